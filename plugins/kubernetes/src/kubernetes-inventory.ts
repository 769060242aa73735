import { type Inventory, type InventoryGpu, parseQuantity } from '@icl/core';
import type { V1Node } from '@kubernetes/client-node';
import { type GpuSettings, gpuNode } from './gpu-placement';
import { kwokNodeAnnotation } from './simulated-nodes';

/**
 * The cluster's nodes as ICL's inventory: allocatable CPUs and memory (what pods can get, not the raw
 * capacity), GPUs from the GPU resource with their model from the product label, and a few facts worth
 * showing (kubelet version, whether the node is simulated, taints).
 */
export function kubernetesInventory(nodes: readonly V1Node[], settings: GpuSettings): Inventory {
  return {
    nodes: nodes.map((node) => {
      const allocatable = node.status?.allocatable ?? {};
      const gpus = gpuNode(node, settings);
      const devices: InventoryGpu[] = [];
      for (let index = 0; index < (gpus?.count ?? 0); index += 1) {
        devices.push({
          id: String(index),
          model: gpus?.product ?? 'unknown',
          memoryBytes: gpus?.memoryBytes ?? 0,
        });
      }
      const labels: Record<string, string> = {};
      const kubelet = node.status?.nodeInfo?.kubeletVersion;
      if (kubelet) labels.kubelet = kubelet;
      if (node.metadata?.annotations?.[kwokNodeAnnotation] !== undefined) labels.simulated = 'kwok';
      const taints = (node.spec?.taints ?? []).map(
        (taint) => `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`,
      );
      if (taints.length > 0) labels.taints = taints.join(',');
      if (node.spec?.unschedulable) labels.cordoned = 'true';
      return {
        name: node.metadata?.name ?? '',
        cpus: quantity(allocatable.cpu),
        memoryBytes: quantity(allocatable.memory),
        gpus: devices,
        labels,
      };
    }),
  };
}

function quantity(value: string | undefined): number {
  if (value === undefined) return 0;
  try {
    return parseQuantity(value);
  } catch {
    return 0;
  }
}
