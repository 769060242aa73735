import os from 'node:os';
import path from 'node:path';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { LocalBackend } from './local-backend';
import { checkLocalBackendSettings, type LocalBackendSettings } from './local-backend-settings';

/**
 * Creates the local backend. `context` comes from the host (the SDK or CLI); without one, files go to
 * the XDG state and cache directories, as the CLI would put them.
 */
export function createLocalBackend(
  settings: LocalBackendSettings = {},
  context?: BackendContextV1,
): BackendV1 {
  return new LocalBackend(checkLocalBackendSettings(settings), context ?? defaultContext());
}

function defaultContext(): BackendContextV1 {
  const home = os.homedir();
  const state = process.env.XDG_STATE_HOME || path.join(home, '.local', 'state');
  const cache = process.env.XDG_CACHE_HOME || path.join(home, '.cache');
  return {
    stateDirectory: path.join(state, 'icl', 'backends', 'local'),
    cacheDirectory: path.join(cache, 'icl', 'backends', 'local'),
  };
}
