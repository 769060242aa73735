import { formatBytes, type Inventory } from '@icl/core';
import { createCliClient } from '../create-cli-client';
import { formatTable } from '../format-table';
import { isStyledStream, paint } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl infra ls`. */
export interface InfraListCommandOptions {
  /** `--json`: print machine-readable JSON instead of text. */
  json?: boolean;
  /** `--refresh`: read every host again rather than reuse what a backend kept. */
  refresh?: boolean;
}

/**
 * `icl infra ls`: the infrastructures of the settings file (and the built-in `local`), their backend,
 * and what each offers. An infrastructure that cannot report its inventory shows the error in its row
 * instead of failing the whole listing.
 */
export async function infraListCommand(options: InfraListCommandOptions): Promise<number> {
  const icl = await createCliClient();
  const infrastructures = await icl.infrastructures();
  const rows = await Promise.all(
    infrastructures.map(async (infrastructure) => {
      try {
        return {
          infrastructure,
          inventory: await icl.inventory(infrastructure.name, { refresh: options.refresh === true }),
        };
      } catch (error) {
        return { infrastructure, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  await icl.close();
  if (options.json) {
    // Settings are left out: they may hold secrets.
    await printJson(
      rows.map(({ infrastructure, inventory, error }) => ({
        name: infrastructure.name,
        backend: infrastructure.backend,
        isDefault: infrastructure.isDefault,
        inventory: inventory ?? null,
        error: error ?? null,
      })),
    );
    return 0;
  }
  const styled = isStyledStream(process.stdout);
  const table = rows.flatMap(({ infrastructure, inventory, error }) => {
    const name = infrastructure.isDefault ? `${infrastructure.name} (default)` : infrastructure.name;
    if (!inventory) {
      const text = `error: ${error ?? 'unknown'}`;
      return [[name, infrastructure.backend, '-', '-', '-', { text, styled: paint(text, 'red', styled) }]];
    }
    const totals = summarizeInventory(inventory);
    const row = [
      name,
      infrastructure.backend,
      String(totals.nodes),
      String(totals.cpus),
      totals.memory,
      totals.gpus,
    ];
    // A fleet or a cluster: each host or node on a line of its own under the total, with its GPUs.
    if (inventory.nodes.length < 2) return [row];
    return [
      row,
      ...inventory.nodes.map((node) => {
        const own = summarizeInventory({ nodes: [node] });
        return [`  ${node.name}`, '', '', String(own.cpus), own.memory, own.gpus];
      }),
    ];
  });
  await writeOutput(
    process.stdout,
    formatTable(['NAME', 'BACKEND', 'NODES', 'CPUS', 'MEMORY', 'GPUS'], table),
  );
  // Figures a backend kept from an earlier reading say how old they are, and how to read them again.
  const kept = rows.filter(({ inventory }) => inventory?.observedAt !== undefined);
  if (kept.length > 0) {
    const ages = kept.map(({ infrastructure, inventory }) => {
      const seconds = Math.max(0, Math.round((Date.now() - Date.parse(inventory!.observedAt!)) / 1000));
      return `${infrastructure.name} read ${formatAge(seconds)}`;
    });
    await writeOutput(process.stdout, `\n${ages.join(', ')} (icl infra ls --refresh reads again)\n`);
  }
  return 0;
}

/** `just now`, `42 s ago`, `3 min ago`: how old a reading is. */
function formatAge(seconds: number): string {
  if (seconds < 5) return 'just now';
  return seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

/** Totals of an inventory for one table row; GPUs grouped by model (`2x NVIDIA H100`). */
function summarizeInventory(inventory: Inventory): {
  nodes: number;
  cpus: number;
  memory: string;
  gpus: string;
} {
  const models = new Map<string, number>();
  for (const node of inventory.nodes)
    for (const gpu of node.gpus) models.set(gpu.model, (models.get(gpu.model) ?? 0) + 1);
  return {
    nodes: inventory.nodes.length,
    cpus: inventory.nodes.reduce((total, node) => total + node.cpus, 0),
    memory: formatBytes(inventory.nodes.reduce((total, node) => total + node.memoryBytes, 0)),
    gpus: models.size === 0 ? '-' : [...models].map(([model, count]) => `${count}x ${model}`).join(', '),
  };
}
