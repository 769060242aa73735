import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { BackendRegistry } from '@icl/core';

/** The package that provides the built-in `local` backend. */
export const localBackendPackage = '@icl/plugin-local';

/**
 * A registry with the backends that come with the SDK: `local` (processes on this machine, with a
 * venv per runtime). The plugin is imported only when a program first runs on it, so creating a
 * client, listing runs or printing help does not pay for it.
 */
export function createDefaultBackendRegistry(): BackendRegistry {
  return new BackendRegistry().register({
    name: 'local',
    description: 'Processes on this machine, with a Python venv per runtime.',
    source: 'built-in',
    load: () => import('@icl/plugin-local').then((plugin) => plugin.createLocalBackend),
  });
}

/** A backend that comes with the SDK, as listed by `icl plugins ls`. */
export interface BuiltInBackend {
  /** The backend's name. */
  name: string;
  /** The package that implements it. */
  packageName: string;
  /** The installed version of that package, when it can be read. */
  version?: string;
  /** One line about it. */
  description?: string;
}

/**
 * The backends built into the SDK with their package versions, so a listing shows exactly which
 * plugin version runs programs. Reads package.json files only; nothing is imported.
 */
export async function listBuiltInBackends(): Promise<BuiltInBackend[]> {
  const registrations = createDefaultBackendRegistry().list();
  let version: string | undefined;
  try {
    const manifestPath = createRequire(import.meta.url).resolve(`${localBackendPackage}/package.json`);
    version = JSON.parse(await readFile(manifestPath, 'utf8')).version;
  } catch {
    // Not resolvable from here (an unusual install); the listing shows no version.
  }
  return registrations.map((registration) => ({
    name: registration.name,
    packageName: localBackendPackage,
    ...(version ? { version } : {}),
    ...(registration.description ? { description: registration.description } : {}),
  }));
}
