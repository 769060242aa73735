import os from 'node:os';
import path from 'node:path';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { DockerBackend } from './docker-backend';
import { checkDockerBackendSettings, type DockerBackendSettings } from './docker-backend-settings';
import { DockerConnection } from './docker-connection';

/**
 * Creates the Docker backend. Nothing is contacted or imported until the first operation, so creating
 * it is free; a daemon that is down is reported by that operation, naming the address it tried.
 * `context` comes from the host (the SDK or CLI); without one, run records go to the XDG state
 * directory, as the CLI would put them.
 *
 * @throws InvalidArgumentError for an unknown setting or one of the wrong type.
 */
export function createDockerBackend(
  settings: DockerBackendSettings = {},
  context?: BackendContextV1,
): BackendV1 {
  const checked = checkDockerBackendSettings(settings);
  return new DockerBackend(checked, context ?? defaultContext(), new DockerConnection(checked.host));
}

function defaultContext(): BackendContextV1 {
  const home = os.homedir();
  const state = process.env.XDG_STATE_HOME || path.join(home, '.local', 'state');
  const cache = process.env.XDG_CACHE_HOME || path.join(home, '.cache');
  return {
    stateDirectory: path.join(state, 'icl', 'backends', 'docker'),
    cacheDirectory: path.join(cache, 'icl', 'backends', 'docker'),
  };
}
