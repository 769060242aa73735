import { createRunBackend } from '@icl/backend-kit';
import { defaultBackendContext } from '@icl/backend-kit/files';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { checkLocalBackendSettings, type LocalBackendSettings } from './local-backend-settings';
import { LocalRunDriver } from './local-run-driver';

/**
 * Creates the local backend: the local run driver on the backend kit. `context` comes from the host
 * (the SDK or CLI); without one, files go where the CLI would put them (`ICL_STATE_DIR` and
 * `ICL_CACHE_DIR`, else the XDG directories).
 */
export function createLocalBackend(
  settings: LocalBackendSettings = {},
  context?: BackendContextV1,
): BackendV1 {
  const checked = checkLocalBackendSettings(settings);
  const host = context ?? defaultBackendContext('local');
  const stateDirectory = checked.stateDirectory ?? host.stateDirectory;
  const driver = new LocalRunDriver(checked, {
    stateDirectory,
    cacheDirectory: checked.cacheDirectory ?? host.cacheDirectory,
  });
  return createRunBackend(driver, { stateDirectory });
}
