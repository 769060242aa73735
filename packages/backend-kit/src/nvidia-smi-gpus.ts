import type { InventoryGpu } from '@icl/core';

/**
 * The arguments every backend asks `nvidia-smi` for its GPUs with (on this machine, in a container, over
 * SSH), so they all read the same columns: index, UUID, model and memory in MiB, as plain CSV.
 */
export const nvidiaSmiGpuQuery: readonly string[] = [
  '--query-gpu=index,uuid,name,memory.total',
  '--format=csv,noheader,nounits',
];

/** One GPU as `nvidia-smi` lists it: the inventory's fields and the device's UUID. */
export interface NvidiaSmiGpu extends InventoryGpu {
  /** `GPU-…`: stable across reboots, unlike the index. */
  readonly uuid: string;
}

/**
 * Reads the output of `nvidia-smi` run with {@link nvidiaSmiGpuQuery}. Display-only and integrated
 * devices are not NVIDIA's to list, so every line is a GPU a program can be given.
 */
export function parseNvidiaSmiGpus(output: string): NvidiaSmiGpu[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [index = '', uuid = '', model = '', memoryMebibytes = '0'] = line
        .split(',')
        .map((field) => field.trim());
      return { id: index, uuid, model, memoryBytes: Number(memoryMebibytes) * 2 ** 20 };
    });
}
