import { defaultBackendContext } from '@icl/backend-kit/files';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { LocalBackend } from './local-backend';
import { checkLocalBackendSettings, type LocalBackendSettings } from './local-backend-settings';

/**
 * Creates the local backend. `context` comes from the host (the SDK or CLI); without one, files go where
 * the CLI would put them (`ICL_STATE_DIR` and `ICL_CACHE_DIR`, else the XDG directories).
 */
export function createLocalBackend(
  settings: LocalBackendSettings = {},
  context?: BackendContextV1,
): BackendV1 {
  return new LocalBackend(checkLocalBackendSettings(settings), context ?? defaultBackendContext('local'));
}
