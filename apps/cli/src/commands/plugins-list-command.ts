import { discoverPlugins, listBuiltInBackends } from '@icl/sdk';
import { formatTable } from '../format-table';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl plugins ls`. */
export interface PluginsListCommandOptions {
  /** `--json`: print machine-readable JSON instead of text. */
  json?: boolean;
}

/** One row of `icl plugins ls`. */
interface PluginRow {
  /** The backend's name; null for a package of resource types only. */
  name: string | null;
  package: string;
  version: string | null;
  source: 'built-in' | 'installed';
  description: string | null;
  directory: string | null;
}

/**
 * `icl plugins ls`: the backends this CLI can use, built-in ones first, then the plugin packages found
 * installed (by the `icl.backend` marker in their package.json). Nothing is imported to list them.
 */
export async function pluginsListCommand(options: PluginsListCommandOptions): Promise<number> {
  const [builtIn, discovered] = await Promise.all([listBuiltInBackends(), discoverPlugins()]);
  const rows: PluginRow[] = builtIn.map((backend) => ({
    name: backend.name,
    package: backend.packageName,
    version: backend.version ?? null,
    source: 'built-in',
    description: backend.description ?? null,
    directory: null,
  }));
  for (const plugin of discovered) {
    // A built-in backend keeps precedence over an installed package of the same name.
    if (plugin.providesBackend && rows.some((row) => row.name === plugin.name)) continue;
    const types = Object.keys(plugin.resourceProviders);
    rows.push({
      // A package of resource types only has no backend to name.
      name: plugin.providesBackend ? plugin.name : null,
      package: plugin.packageName,
      version: plugin.version,
      source: 'installed',
      description: plugin.providesBackend
        ? (plugin.description ?? null)
        : `Resource types: ${types.join(', ')}`,
      directory: plugin.directory,
    });
  }
  if (options.json) {
    await printJson(rows);
    return 0;
  }
  const table = rows.map((row) => [
    row.name ?? '-',
    row.package,
    row.version ?? '-',
    row.source,
    row.description ?? '',
  ]);
  await writeOutput(
    process.stdout,
    formatTable(['NAME', 'PACKAGE', 'VERSION', 'SOURCE', 'DESCRIPTION'], table),
  );
  return 0;
}
