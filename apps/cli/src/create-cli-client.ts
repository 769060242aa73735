import type { Icl } from '@icl/sdk';
import { discoverPlugins, registerDiscoveredPlugins } from './discover-plugins';

/**
 * The SDK client the commands use: the user's settings and directories (`ICL_CONFIG`, `ICL_STATE_DIR`,
 * `ICL_CACHE_DIR`), the built-in backends, and every plugin installed next to the project or the CLI.
 */
export async function createCliClient(): Promise<Icl> {
  const [{ createDefaultBackendRegistry, createIcl }, plugins] = await Promise.all([
    import('@icl/sdk'),
    discoverPlugins(),
  ]);
  const registry = createDefaultBackendRegistry();
  registerDiscoveredPlugins(registry, plugins);
  return createIcl({ registry });
}
