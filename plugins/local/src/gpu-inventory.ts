import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
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
    execFile(
      nvidiaSmi ?? 'nvidia-smi',
      ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'],
      { timeout: 10_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [index = '', model = '', memoryMebibytes = '0'] = line.split(',').map((field) => field.trim());
      return { id: index, model, memoryBytes: Number(memoryMebibytes) * 2 ** 20 };
    });
}
