import { mkdir } from 'node:fs/promises';
import { defaultBackendContext, type IclDirectories, resolveIclDirectories } from '@icl/backend-kit/files';
import type { BackendContextV1 } from '@icl/core';

/**
 * The directories a backend may write to, one pair per backend name, so backends never collide and a
 * user can wipe one backend's cache alone. Both directories are created.
 */
export async function createBackendContext(
  directories: Pick<IclDirectories, 'stateDirectory' | 'cacheDirectory'>,
  backendName: string,
): Promise<BackendContextV1> {
  const context: BackendContextV1 = defaultBackendContext(backendName, {
    ICL_STATE_DIR: directories.stateDirectory,
    ICL_CACHE_DIR: directories.cacheDirectory,
  });
  await Promise.all([
    mkdir(context.stateDirectory, { recursive: true }),
    mkdir(context.cacheDirectory, { recursive: true }),
  ]);
  return context;
}

export { type IclDirectories, resolveIclDirectories };
