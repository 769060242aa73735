import { nvidiaSmiGpuQuery, parseNvidiaSmiGpus } from '@icl/backend-kit';
import type { InventoryNode } from '@icl/core';

/**
 * Prints what an SSH host has, one fact a line, in one round trip: CPUs, memory in KiB, the operating
 * system and, where `nvidia-smi` is installed, its GPUs after a `gpus` line (its errors after
 * `gpu-error`, so a broken driver is said, not taken for no GPU).
 */
export const inventoryScript = `
echo "cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
echo "memory=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
echo "system=$(uname -sr 2>/dev/null)"
if command -v nvidia-smi > /dev/null 2>&1; then
  if output=$(nvidia-smi ${nvidiaSmiGpuQuery.join(' ')} 2>&1); then
    echo gpus; printf '%s\\n' "$output"
  else
    echo gpu-error; printf '%s\\n' "$output" | head -3
  fi
fi
`;

/**
 * Reads {@link inventoryScript}'s output into the host's inventory entry. No `nvidia-smi` means no GPUs,
 * said in the entry's labels; one that fails is said there too.
 */
export function parseHostInventory(name: string, output: string): InventoryNode {
  const lines = output.split('\n');
  const fact = (key: string) => lines.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1) ?? '';
  const gpusAt = lines.indexOf('gpus');
  const errorAt = lines.indexOf('gpu-error');
  const gpus = gpusAt === -1 ? [] : parseNvidiaSmiGpus(lines.slice(gpusAt + 1).join('\n'));
  const labels: Record<string, string> = { system: fact('system') };
  if (errorAt !== -1)
    labels.gpus = `nvidia-smi failed: ${lines
      .slice(errorAt + 1)
      .join(' ')
      .trim()}`;
  else if (gpusAt === -1) labels.gpus = 'none (no nvidia-smi on the host)';
  return {
    name,
    cpus: Number(fact('cpus')) || 0,
    memoryBytes: (Number(fact('memory')) || 0) * 1024,
    gpus: gpus.map(({ id, model, memoryBytes }) => ({ id, model, memoryBytes })),
    labels,
  };
}
