import type { Icl } from '@icl/sdk';

/**
 * The SDK client the commands use: the user's settings and directories (`ICL_CONFIG`, `ICL_STATE_DIR`,
 * `ICL_CACHE_DIR`), the built-in backends, and, when a command asks for another backend, the plugins
 * installed next to the project or the CLI (the SDK finds them).
 */
export async function createCliClient(): Promise<Icl> {
  const { createIcl } = await import('@icl/sdk');
  return createIcl();
}
