import { gpuModelMatches } from '@icl/core';
import type { InfernoAcceleratorSpec } from '@icl/optimizer';
import type { V1Node } from '@kubernetes/client-node';
import type { InfernoResource } from './inferno-kinds';

/** The extended resource GPUs are requested as. */
export const gpuResource = 'nvidia.com/gpu';

/** The node label (set by NVIDIA's GPU feature discovery) naming each node's GPU model. */
export const gpuProductLabel = 'nvidia.com/gpu.product';

/** An Accelerator annotation that names its GPU product label value outright. */
export const gpuProductAnnotation = 'icl.dev/gpu-product';

/** The product label value an accelerator maps to, or why none does. */
export type GpuProductMatch = { product: string } | { problem: string };

/**
 * Which `nvidia.com/gpu.product` value an Inferno accelerator means. Its `icl.dev/gpu-product` annotation
 * wins; otherwise the GPU nodes' products are matched against the accelerator's type and name the way
 * `--gpus` matches models (`A100` matches `NVIDIA-A100-SXM4-80GB`), and of several matching products the
 * one with the most GPUs in the cluster is taken (then the first by name), so the choice is stable.
 */
export function gpuProductOf(
  accelerator: { resource: InfernoResource; spec: InfernoAcceleratorSpec },
  nodes: readonly V1Node[],
): GpuProductMatch {
  const annotated = accelerator.resource.metadata.annotations?.[gpuProductAnnotation];
  if (annotated) return { product: annotated };
  const totals = new Map<string, number>();
  for (const node of nodes) {
    const product = node.metadata?.labels?.[gpuProductLabel];
    const count = Number(node.status?.allocatable?.[gpuResource] ?? 0);
    if (!product || !(count > 0)) continue;
    if (!gpuModelMatches(product, accelerator.spec.type) && !gpuModelMatches(product, accelerator.spec.name))
      continue;
    totals.set(product, (totals.get(product) ?? 0) + count);
  }
  const ranked = [...totals].sort(
    ([leftName, left], [rightName, right]) => right - left || leftName.localeCompare(rightName),
  );
  if (ranked.length > 0) return { product: ranked[0]![0] };
  const products = [
    ...new Set(nodes.map((node) => node.metadata?.labels?.[gpuProductLabel]).filter((value) => value)),
  ].sort();
  return {
    problem:
      `No node has GPUs of accelerator "${accelerator.spec.name}" (type ${accelerator.spec.type}); ` +
      (products.length > 0
        ? `the nodes' ${gpuProductLabel} values are ${products.join(', ')}.`
        : `no node has a ${gpuProductLabel} label.`) +
      ` Annotate the Accelerator with ${gpuProductAnnotation}: <product> to name it.`,
  };
}
