/**
 * `@icl/plugin-docker`: programs in containers on a Docker daemon. Runtimes become images built once
 * per content hash and reused; services publish their ports on 127.0.0.1; GPUs come through the NVIDIA
 * container runtime; finished runs stay readable after their containers are removed.
 */
export { createDockerBackend } from './create-docker-backend';
export type { DockerBackendSettings } from './docker-backend-settings';
export {
  createDockerImageBuilder,
  type DockerImageBuilder,
  type DockerImageBuilderSettings,
} from './docker-image-builder';
