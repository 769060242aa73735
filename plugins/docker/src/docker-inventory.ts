import type { Inventory, InventoryGpu } from '@icl/core';
import { hasNvidiaRuntime } from './gpu-device-requests';

/** The part of `docker info` the inventory reads. */
export interface DockerInfo {
  Name?: string;
  NCPU?: number;
  MemTotal?: number;
  ServerVersion?: string;
  OperatingSystem?: string;
  Driver?: string;
  Runtimes?: Record<string, unknown>;
}

/**
 * The daemon's machine as one inventory node: its CPUs and memory as the daemon reports them, and its
 * GPUs when the daemon has the NVIDIA runtime (probed with `nvidia-smi` in a container; none when the
 * probe cannot run, since an unknown GPU cannot be offered).
 */
export async function dockerInventory(
  info: DockerInfo,
  probeGpus: () => Promise<InventoryGpu[]>,
): Promise<Inventory> {
  let gpus: InventoryGpu[] = [];
  if (hasNvidiaRuntime(info)) {
    try {
      gpus = (await probeGpus()).map(({ id, model, memoryBytes }) => ({ id, model, memoryBytes }));
    } catch {
      gpus = [];
    }
  }
  const labels: Record<string, string> = {};
  if (info.ServerVersion) labels.docker = info.ServerVersion;
  if (info.OperatingSystem) labels.os = info.OperatingSystem;
  if (info.Driver) labels.storage = info.Driver;
  return {
    nodes: [
      {
        name: info.Name ?? 'docker',
        cpus: info.NCPU ?? 0,
        memoryBytes: info.MemTotal ?? 0,
        gpus,
        labels,
      },
    ],
  };
}
