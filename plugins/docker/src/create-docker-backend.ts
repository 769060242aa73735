import { createRunBackend, defaultBackendContext } from '@icl/backend-kit';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import { checkDockerBackendSettings, type DockerBackendSettings } from './docker-backend-settings';
import { DockerConnection } from './docker-connection';
import { createDockerRunDriver } from './docker-run-driver';

/**
 * Creates the Docker backend: the Docker run driver (see {@link createDockerRunDriver}) turned into a
 * backend by `@icl/backend-kit`, which keeps each run's record, output and end in
 * `<stateDirectory>/runs/<runId>` once its container is gone. Nothing is contacted or imported until the first operation, so creating
 * it is free; a daemon that is down is reported by that operation, naming the address it tried.
 * `context` comes from the host (the SDK or CLI); without one, run records go where the CLI would put
 * them (`ICL_STATE_DIR`, else the XDG state directory).
 *
 * @throws InvalidArgumentError for an unknown setting or one of the wrong type.
 */
export function createDockerBackend(
  settings: DockerBackendSettings = {},
  context?: BackendContextV1,
): BackendV1 {
  const checked = checkDockerBackendSettings(settings);
  const stateDirectory =
    checked.stateDirectory ?? (context ?? defaultBackendContext('docker')).stateDirectory;
  return createRunBackend(createDockerRunDriver(checked, new DockerConnection(checked.host)), {
    stateDirectory,
  });
}
