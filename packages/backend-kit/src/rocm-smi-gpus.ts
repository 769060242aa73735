import type { InventoryGpu } from '@icl/core';

/**
 * The arguments every backend asks `rocm-smi` for its GPUs with: each card's product name and VRAM, as
 * JSON (`{"card0": {"Card series": …, "VRAM Total Memory (B)": …}, …}`).
 */
export const rocmSmiGpuQuery: readonly string[] = ['--showproductname', '--showmeminfo', 'vram', '--json'];

/**
 * The prefix of an AMD GPU's id in an inventory (`amd:0`): NVIDIA's indices are plain numbers, so a host
 * with both kinds names each device once, and a run's claim says which variable selects it
 * (`ROCR_VISIBLE_DEVICES` for these, `CUDA_VISIBLE_DEVICES` for NVIDIA's).
 */
export const amdGpuIdPrefix = 'amd:';

/** Below this much VRAM a card is an integrated GPU's carve-out of system memory, not a GPU to compute on. */
const integratedVramBytes = 2 ** 30;

/**
 * Reads the output of `rocm-smi` run with {@link rocmSmiGpuQuery}. Entries other than `cardN` (rocm-smi
 * adds `system`) are not devices. An integrated GPU (an APU's `AMD Radeon Graphics`, or a card with less
 * than 1 GiB of VRAM, which is memory borrowed from the CPU) is left out, so it never stands in for the
 * host's real GPUs. Key names vary in case between rocm-smi versions; both are read.
 *
 * @throws SyntaxError when the output is not JSON (rocm-smi printed an error instead).
 */
export function parseRocmSmiGpus(output: string): InventoryGpu[] {
  const cards = JSON.parse(output) as Record<string, Record<string, unknown>>;
  const gpus: InventoryGpu[] = [];
  for (const [key, card] of Object.entries(cards)) {
    const index = /^card(\d+)$/.exec(key)?.[1];
    if (index === undefined || typeof card !== 'object' || card === null) continue;
    const field = (name: string) => {
      const found = Object.keys(card).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
      return found === undefined ? '' : String(card[found]).trim();
    };
    const model = field('Card series') || field('Card model') || 'AMD GPU';
    const memoryBytes = Number(field('VRAM Total Memory (B)')) || 0;
    if (memoryBytes < integratedVramBytes || /^(AMD )?Radeon( \w+)? Graphics$/i.test(model)) continue;
    gpus.push({ id: `${amdGpuIdPrefix}${index}`, model, memoryBytes });
  }
  return gpus.sort((left, right) => left.id.localeCompare(right.id, 'en', { numeric: true }));
}
