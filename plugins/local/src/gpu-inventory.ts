import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { nvidiaSmiGpuQuery, parseNvidiaSmiGpus } from '@icl/backend-kit';
import type { InventoryGpu } from '@icl/core';

/**
 * Whether this machine has NVIDIA GPUs, decided without running anything so it can back the backend's
 * static `capabilities.gpus`. An explicitly configured `nvidia-smi` counts as a yes.
 */
export function hasGpuDriver(nvidiaSmi: string | undefined): boolean {
  return nvidiaSmi !== undefined || existsSync('/proc/driver/nvidia/gpus') || existsSync('/dev/nvidia0');
}

/**
 * The machine's GPUs as `nvidia-smi` reports them: index, model and memory. An empty list when there is
 * no driver; an error only when the driver is there but does not answer.
 */
export async function readGpuInventory(nvidiaSmi: string | undefined): Promise<InventoryGpu[]> {
  if (!hasGpuDriver(nvidiaSmi)) return [];
  const output = await new Promise<string>((resolve, reject) => {
    execFile(nvidiaSmi ?? 'nvidia-smi', [...nvidiaSmiGpuQuery], { timeout: 10_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
  return parseNvidiaSmiGpus(output).map(({ id, model, memoryBytes }) => ({ id, model, memoryBytes }));
}
