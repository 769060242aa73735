import {
  formatBytes,
  type GpuRequest,
  gpuMemoryBytes,
  gpuModelMatches,
  ResourceUnavailableError,
} from '@icl/core';
import type { V1Node, V1NodeSelectorRequirement, V1Toleration } from '@kubernetes/client-node';

/** The node label NVIDIA's GPU feature discovery sets to the memory of each GPU, in MiB. */
export const gpuMemoryLabel = 'nvidia.com/gpu.memory';

/** Where GPU requests go: the extended resource and the label naming the model. */
export interface GpuSettings {
  /** The extended resource (`nvidia.com/gpu`). */
  resource: string;
  /** The node label naming the GPU model (`nvidia.com/gpu.product`). */
  productLabel: string;
}

/** One node's GPUs, as its labels and allocatable resources say. */
export interface GpuNode {
  name: string;
  /** How many GPUs the node can give pods. */
  count: number;
  /** The model, from the product label (`NVIDIA-H100-80GB-HBM3`). */
  product?: string;
  /** Memory of each GPU in bytes, from the memory label. */
  memoryBytes?: number;
}

/** How a pod asks for GPUs: the limit, the node selection by model and memory, and the tolerations. */
export interface GpuPlacement {
  /** The extended-resource limits (`{ "nvidia.com/gpu": "2" }`). */
  limits: Record<string, string>;
  /** Required node-affinity expressions: the product label among the matching models, the memory. */
  nodeRequirements: V1NodeSelectorRequirement[];
  /** The toleration of the taint GPU nodes usually carry. */
  tolerations: V1Toleration[];
}

/** A node's GPUs, or undefined when it has none. */
export function gpuNode(node: V1Node, settings: GpuSettings): GpuNode | undefined {
  const count = Number(node.status?.allocatable?.[settings.resource] ?? 0);
  if (!Number.isFinite(count) || count <= 0) return undefined;
  const labels = node.metadata?.labels ?? {};
  const described: GpuNode = { name: node.metadata?.name ?? '', count };
  const product = labels[settings.productLabel];
  if (product) described.product = product;
  const mebibytes = Number(labels[gpuMemoryLabel]);
  if (Number.isFinite(mebibytes) && mebibytes > 0) described.memoryBytes = mebibytes * 2 ** 20;
  return described;
}

/**
 * Turns a GPU request into what the pod needs to land on fitting nodes: a limit on the GPU resource, a
 * required node affinity on the product label values of the nodes whose model matches (`H100` matches
 * `NVIDIA-H100-80GB-HBM3`) and on the memory label, and the toleration of the `nvidia.com/gpu` taint.
 *
 * With the cluster's nodes at hand, a request no node could ever satisfy is refused before anything is
 * created, naming what the nodes have; requests that only wait for free GPUs are left to the scheduler.
 *
 * @param nodes The cluster's nodes, or undefined when they cannot be listed (then nothing is checked,
 *   and a model cannot be mapped to label values, so it is matched as the label value itself).
 * @throws ResourceUnavailableError when no node has GPUs, none of the model or memory, or none as many.
 */
export function gpuPlacement(
  request: GpuRequest,
  nodes: V1Node[] | undefined,
  settings: GpuSettings,
): GpuPlacement {
  const placement: GpuPlacement = {
    limits: { [settings.resource]: String(request.count) },
    nodeRequirements: [],
    tolerations: [{ key: settings.resource, operator: 'Exists', effect: 'NoSchedule' }],
  };
  const wantedMemory = gpuMemoryBytes(request);
  if (wantedMemory > 0) {
    placement.nodeRequirements.push({
      key: gpuMemoryLabel,
      operator: 'Gt',
      values: [String(Math.ceil(wantedMemory / 2 ** 20) - 1)],
    });
  }
  const what = describeRequest(request);
  if (nodes === undefined) {
    if (request.model) {
      placement.nodeRequirements.push({
        key: settings.productLabel,
        operator: 'In',
        values: [request.model],
      });
    }
    return placement;
  }
  const gpuNodes = nodes.map((node) => gpuNode(node, settings)).filter((node) => node !== undefined);
  if (gpuNodes.length === 0) {
    throw new ResourceUnavailableError({
      resource: 'gpu',
      message: `No node of the cluster offers ${settings.resource}, so ${what} cannot be placed.`,
      hint: "Add GPU nodes with NVIDIA's device plugin (or the GPU Operator), or run without --gpus.",
    });
  }
  const fitting = gpuNodes.filter(
    (node) =>
      (!request.model || (node.product !== undefined && gpuModelMatches(node.product, request.model))) &&
      (wantedMemory === 0 || (node.memoryBytes ?? 0) >= wantedMemory),
  );
  if (fitting.length === 0) {
    throw new ResourceUnavailableError({
      resource: request.model ? `GPU ${request.model}` : 'gpu memory',
      message: `No node has ${request.model ? `a GPU of model ${request.model}` : 'GPUs'}${
        wantedMemory > 0 ? ` with ${formatBytes(wantedMemory)} of memory` : ''
      }. GPU nodes: ${gpuNodes.map(describeNode).join(', ')}.`,
      hint: 'Ask for a model the cluster has (icl infra ls shows them), or add nodes of that model.',
    });
  }
  const largest = Math.max(...fitting.map((node) => node.count));
  if (request.count > largest) {
    const best = fitting.find((node) => node.count === largest)!;
    throw new ResourceUnavailableError({
      resource: request.model ? `GPU ${request.model}` : 'gpu',
      message:
        `No node has ${request.count} ${request.model ?? ''} GPUs`.replace('  ', ' ') +
        `; the most on one node is ${largest} (${best.name}).`,
      hint: `Ask for at most ${largest} GPUs per run, or add larger nodes.`,
    });
  }
  if (request.model) {
    const products = [...new Set(fitting.map((node) => node.product!))].sort();
    placement.nodeRequirements.push({ key: settings.productLabel, operator: 'In', values: products });
  }
  return placement;
}

function describeRequest(request: GpuRequest): string {
  return `${request.count} ${request.model ? `${request.model} ` : ''}GPU${request.count === 1 ? '' : 's'}`;
}

function describeNode(node: GpuNode): string {
  return `${node.name} (${node.count} × ${node.product ?? 'unknown model'})`;
}
