import { nvidiaSmiGpuQuery, parseNvidiaSmiGpus, parseRocmSmiGpus, rocmSmiGpuQuery } from '@icl/backend-kit';
import type { InventoryGpu, InventoryNode } from '@icl/core';

/**
 * Prints what an SSH host has in one round trip: CPUs, memory in KiB, free disk in KiB under the
 * home (where runs go) and the operating system, one fact a line; then, for each GPU tool the host has,
 * a section line (`[nvidia-smi]`, `[rocm-smi]`) and its output, or `[nvidia-smi failed]` and its first
 * lines of error, so a broken driver is said, not taken for no GPU.
 */
export const inventoryScript = `
echo "cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
echo "memory=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
echo "disk=$(df -Pk "$HOME" 2>/dev/null | awk 'NR == 2 {print $4}')"
echo "system=$(uname -sr 2>/dev/null)"
gpu_tool() {
  command -v "$1" > /dev/null 2>&1 || return 0
  tool="$1"; shift
  if output=$("$tool" "$@" 2>&1); then
    echo "[$tool]"; printf '%s\\n' "$output"
  else
    echo "[$tool failed]"; printf '%s\\n' "$output" | head -3
  fi
}
gpu_tool nvidia-smi ${nvidiaSmiGpuQuery.join(' ')}
gpu_tool rocm-smi ${rocmSmiGpuQuery.join(' ')}
`;

/** The GPU tools the inventory asks, and how each one's output is read. */
const gpuTools: Readonly<Record<string, (output: string) => InventoryGpu[]>> = {
  'nvidia-smi': parseNvidiaSmiGpus,
  'rocm-smi': parseRocmSmiGpus,
};

/**
 * Reads {@link inventoryScript}'s output into the host's inventory entry. The GPUs are those of every
 * tool present (an integrated GPU is left out by its tool's reader); the entry's `gpus` label says
 * which tools answered, that a tool failed and how, or that the host has none.
 */
export function parseHostInventory(name: string, output: string): InventoryNode {
  const sections = new Map<string, string[]>();
  const facts: string[] = [];
  let current = facts;
  for (const line of output.split('\n')) {
    const section = /^\[([a-z-]+(?: failed)?)\]$/.exec(line)?.[1];
    if (section === undefined) {
      current.push(line);
    } else {
      current = [];
      sections.set(section, current);
    }
  }
  const fact = (key: string) => facts.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1) ?? '';
  const gpus: InventoryGpu[] = [];
  const said: string[] = [];
  for (const [tool, read] of Object.entries(gpuTools)) {
    const failure = sections.get(`${tool} failed`);
    const answer = sections.get(tool);
    if (failure) said.push(`${tool} failed: ${failure.join(' ').trim()}`);
    if (!answer) continue;
    try {
      const found = read(answer.join('\n'));
      gpus.push(...found);
      said.push(`${found.length} from ${tool}`);
    } catch {
      said.push(`${tool} printed what ICL cannot read: ${answer.join(' ').trim().slice(0, 200)}`);
    }
  }
  const disk = Number(fact('disk'));
  return {
    name,
    cpus: Number(fact('cpus')) || 0,
    memoryBytes: (Number(fact('memory')) || 0) * 1024,
    ...(fact('disk') && Number.isFinite(disk) ? { freeDiskBytes: disk * 1024 } : {}),
    gpus: gpus.map(({ id, model, memoryBytes }) => ({ id, model, memoryBytes })),
    labels: {
      system: fact('system'),
      gpus: said.length > 0 ? said.join('; ') : 'none (neither nvidia-smi nor rocm-smi on the host)',
    },
  };
}
