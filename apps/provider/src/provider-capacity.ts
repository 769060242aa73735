import type { NodeOffer, StorageClassOffer } from '@icl/matchmaker';
import type { DeclaredNode } from './provider-settings';
import type { Reservation } from './provider-store';

/**
 * What is still free: the declared nodes and storage classes, less what each reservation (an open bid
 * or a live lease) holds on the node each of its replicas was placed on.
 */
export function freeCapacity(
  nodes: readonly DeclaredNode[],
  storageClasses: Readonly<Record<string, number>>,
  reservations: readonly Reservation[],
): { nodes: NodeOffer[]; storageClasses: StorageClassOffer[] } {
  const free = new Map(
    nodes.map((node) => [
      node.name,
      {
        cpuMillis: node.cpuMillis,
        memoryBytes: node.memoryBytes,
        storageBytes: node.storageBytes,
        gpus: node.gpus.map((gpu) => ({ ...gpu, available: gpu.count })),
      },
    ]),
  );
  const storage = new Map(Object.entries(storageClasses));
  for (const reservation of reservations) {
    for (const placement of reservation.placements) {
      const unit = reservation.resources[placement.unit];
      const node = free.get(placement.node);
      if (!unit || !node) continue;
      node.cpuMillis -= unit.cpuMillis;
      node.memoryBytes -= unit.memoryBytes;
      for (const volume of unit.storage) {
        if (volume.persistent) {
          const storageClass = volume.storageClass ?? 'default';
          storage.set(storageClass, (storage.get(storageClass) ?? 0) - volume.bytes);
        } else if (volume.storageClass === 'ram') node.memoryBytes -= volume.bytes;
        else node.storageBytes -= volume.bytes;
      }
      if (placement.gpu) {
        const gpu = node.gpus.find((candidate) => candidate.model === placement.gpu!.model);
        if (gpu) gpu.available -= placement.gpu.units;
      }
    }
  }
  return {
    nodes: nodes.map((declared) => {
      const node = free.get(declared.name)!;
      return {
        name: declared.name,
        cpuMillis: Math.max(0, node.cpuMillis),
        memoryBytes: Math.max(0, node.memoryBytes),
        ephemeralStorageBytes: Math.max(0, node.storageBytes),
        gpus: node.gpus.map((gpu) => ({
          vendor: gpu.vendor,
          model: gpu.model,
          ramBytes: gpu.ramBytes,
          interface: gpu.interface,
          available: Math.max(0, gpu.available),
        })),
      };
    }),
    storageClasses: [...storage].map(([storageClass, bytes]) => ({
      storageClass,
      availableBytes: Math.max(0, bytes),
    })),
  };
}
