import os from 'node:os';
import path from 'node:path';
import { createRunBackend } from '@icl/backend-kit';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { checkDockerBackendSettings, type DockerBackendSettings } from './docker-backend-settings';
import { DockerConnection } from './docker-connection';
import { createDockerRunDriver } from './docker-run-driver';

/**
 * Creates the Docker backend: the Docker run driver (see {@link createDockerRunDriver}) turned into a
 * backend by `@icl/backend-kit`, which keeps each run's record, output and end in
 * `<stateDirectory>/runs/<runId>` once its container is gone. Nothing is contacted or imported until the first operation, so creating
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
  const stateDirectory = checked.stateDirectory ?? (context ?? defaultContext()).stateDirectory;
  return createRunBackend(createDockerRunDriver(checked, new DockerConnection(checked.host)), {
    stateDirectory,
  });
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
