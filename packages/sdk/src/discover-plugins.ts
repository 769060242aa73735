import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type BackendFactoryV1,
  type BackendRegistry,
  BackendUnavailableError,
  type PluginManifest,
  type ResourceProviderV1,
} from '@icl/core';

/** A backend plugin package found installed, from its package.json marker. */
export interface DiscoveredPlugin {
  /** The backend's name, from the marker; the package's name for a package of resource types only. */
  name: string;
  /**
   * Whether the package provides a backend (the `icl.backend` marker). A package may provide only
   * resource types to the plan/apply engine (`icl.resourceProviders`, as `@icl/plugin-maas` does).
   */
  providesBackend: boolean;
  /** The npm package (`@icl/plugin-docker`, `icl-plugin-foo`, `@acme/icl-plugin-bar`). */
  packageName: string;
  /** The package's version. */
  version: string;
  /** The folder the package is installed in. */
  directory: string;
  /** The name of the factory the package exports. */
  factory: string;
  /** The contract version the marker declares. */
  specificationVersion: string;
  /** One line from the marker (or the package's description). */
  description?: string;
  /** Resource types the package provides to the plan/apply engine, each with its provider's factory. */
  resourceProviders: Record<string, string>;
}

/**
 * Finds installed backend plugins without importing them: looks in every `node_modules` folder from
 * the working directory up, and from the SDK's own installation up (a global install), for packages
 * named `@icl/plugin-*`, `icl-plugin-*` or `@<scope>/icl-plugin-*` whose package.json carries the
 * `icl.backend` marker, or that provide resource types (`icl.resourceProviders`). The first package
 * found for a backend name wins, so a project's own install takes precedence over a global one.
 */
export async function discoverPlugins(
  startDirectories: readonly string[] = [process.cwd(), installationDirectory()],
): Promise<DiscoveredPlugin[]> {
  const found = new Map<string, DiscoveredPlugin>();
  const seenFolders = new Set<string>();
  for (const start of startDirectories) {
    for (const nodeModules of nodeModulesFolders(start)) {
      if (seenFolders.has(nodeModules)) continue;
      seenFolders.add(nodeModules);
      for (const packageDirectory of await candidatePackages(nodeModules)) {
        const plugin = await readPlugin(packageDirectory);
        if (plugin && !found.has(plugin.name)) found.set(plugin.name, plugin);
      }
    }
  }
  return [...found.values()].sort((left, right) => left.name.localeCompare(right.name));
}

/** Where this code is installed: plugins installed next to the SDK (or the CLI that bundles it) count too. */
export function installationDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * Registers discovered plugins that are not registered yet (built-in backends keep precedence). Each
 * one is imported only when a run first uses it.
 */
export function registerDiscoveredPlugins(
  registry: BackendRegistry,
  plugins: readonly DiscoveredPlugin[],
): void {
  for (const plugin of plugins) {
    if (!plugin.providesBackend || registry.has(plugin.name)) continue;
    registry.register({
      name: plugin.name,
      source: plugin.packageName,
      ...(plugin.description ? { description: plugin.description } : {}),
      load: () => loadFactory(plugin),
    });
  }
}

/** Imports a plugin package from its folder and returns the factory its marker names. */
async function loadFactory(plugin: DiscoveredPlugin): Promise<BackendFactoryV1> {
  const module = await importPlugin(plugin);
  const factory = module[plugin.factory];
  if (typeof factory !== 'function') {
    throw new BackendUnavailableError({
      backendName: plugin.name,
      message: `Plugin ${plugin.packageName}@${plugin.version} does not export the factory "${plugin.factory}" its package.json names.`,
      hint: `Reinstall or upgrade ${plugin.packageName}.`,
    });
  }
  return factory as BackendFactoryV1;
}

/**
 * The providers of the given resource types from the plugins that declare them, importing only those
 * plugins. Types no plugin declares are left out (the engine names them as unknown).
 */
export async function loadPluginResourceProviders(
  plugins: readonly DiscoveredPlugin[],
  types: ReadonlySet<string>,
): Promise<ResourceProviderV1[]> {
  const providers: ResourceProviderV1[] = [];
  for (const plugin of plugins) {
    const wanted = Object.entries(plugin.resourceProviders).filter(([type]) => types.has(type));
    if (wanted.length === 0) continue;
    const module = await importPlugin(plugin);
    for (const [type, factoryName] of wanted) {
      const factory = module[factoryName];
      if (typeof factory !== 'function') {
        throw new BackendUnavailableError({
          backendName: plugin.name,
          message: `Plugin ${plugin.packageName}@${plugin.version} does not export "${factoryName}", the provider of ${type} its package.json names.`,
          hint: `Reinstall or upgrade ${plugin.packageName}.`,
        });
      }
      providers.push((factory as () => ResourceProviderV1)());
    }
  }
  return providers;
}

async function importPlugin(plugin: DiscoveredPlugin): Promise<Record<string, unknown>> {
  try {
    const packageJson = JSON.parse(await readFile(join(plugin.directory, 'package.json'), 'utf8'));
    const entry = join(plugin.directory, packageEntry(packageJson));
    return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw new BackendUnavailableError({
      backendName: plugin.name,
      message: `Could not load plugin ${plugin.packageName}@${plugin.version} (${plugin.directory}): ${(error as Error).message}`,
      hint: `Reinstall ${plugin.packageName}, or set ICL_DEBUG=1 for the stack.`,
      cause: error,
    });
  }
}

/** The file a package's `exports` (or `main`) points to for `import`. */
function packageEntry(packageJson: { exports?: unknown; main?: unknown }): string {
  const pick = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (Array.isArray(target)) return target.map(pick).find((entry) => entry !== undefined);
    if (target && typeof target === 'object') {
      const conditions = target as Record<string, unknown>;
      if ('.' in conditions) return pick(conditions['.']);
      for (const condition of ['import', 'node', 'default']) {
        const chosen = pick(conditions[condition]);
        if (chosen) return chosen;
      }
    }
    return undefined;
  };
  return pick(packageJson.exports) ?? (typeof packageJson.main === 'string' ? packageJson.main : 'index.js');
}

function* nodeModulesFolders(start: string): Generator<string> {
  let directory = start;
  const root = parse(directory).root;
  for (;;) {
    if (parse(directory).base !== 'node_modules') yield join(directory, 'node_modules');
    if (directory === root) return;
    directory = dirname(directory);
  }
}

async function candidatePackages(nodeModules: string): Promise<string[]> {
  const entries = await readdir(nodeModules, { withFileTypes: true }).catch(() => []);
  const candidates: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    if (entry.name.startsWith('icl-plugin-')) candidates.push(join(nodeModules, entry.name));
    else if (entry.name.startsWith('@')) {
      const scoped = await readdir(join(nodeModules, entry.name)).catch(() => [] as string[]);
      for (const name of scoped) {
        const matches = entry.name === '@icl' ? name.startsWith('plugin-') : name.startsWith('icl-plugin-');
        if (matches) candidates.push(join(nodeModules, entry.name, name));
      }
    }
  }
  return candidates;
}

async function readPlugin(directory: string): Promise<DiscoveredPlugin | undefined> {
  let packageJson: {
    name?: unknown;
    version?: unknown;
    description?: unknown;
    icl?: Partial<PluginManifest>;
  };
  try {
    packageJson = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const marker = packageJson.icl?.backend;
  const providesBackend = !!marker && typeof marker.name === 'string' && typeof marker.factory === 'string';
  const resourceProviders = packageJson.icl?.resourceProviders ?? {};
  if (!providesBackend && Object.keys(resourceProviders).length === 0) return undefined;
  const packageName = typeof packageJson.name === 'string' ? packageJson.name : parse(directory).base;
  const description =
    marker?.description ??
    (typeof packageJson.description === 'string' ? packageJson.description : undefined);
  return {
    name: providesBackend ? marker!.name : packageName,
    providesBackend,
    packageName,
    version: typeof packageJson.version === 'string' ? packageJson.version : 'unknown',
    directory,
    factory: providesBackend ? marker!.factory : '',
    specificationVersion: String(marker?.specificationVersion ?? 'unknown'),
    ...(description ? { description } : {}),
    resourceProviders: Object.fromEntries(
      Object.entries(resourceProviders).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    ),
  };
}
