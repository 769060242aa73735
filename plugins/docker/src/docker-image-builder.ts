import { type RunRequestV1, RuntimeBuildError, type StartRunOptionsV1 } from '@icl/core';
import { DockerConnection } from './docker-connection';
import { followDockerProgress } from './follow-docker-progress';
import { RuntimeImages } from './runtime-images';

/** Where a {@link DockerImageBuilder} builds. */
export interface DockerImageBuilderSettings {
  /** The daemon (`unix:///var/run/docker.sock`, `tcp://…`); `DOCKER_HOST` or the default socket by default. */
  host?: string;
  /** The image runtimes are built on when they name none (the cluster's default image). */
  baseImage?: string;
  /** The network image builds use (`host` reaches PyPI where the daemon's bridge has no NAT). */
  buildNetwork?: string;
}

/**
 * Builds runtime images on a Docker daemon for backends that run images they cannot build (Kubernetes,
 * kind, marketplaces): the same images, tagged by the runtime's content hash and reused, as the Docker
 * backend runs. It is the shape `@icl/plugin-kubernetes` asks for (`build`, `save`, `push`).
 */
export interface DockerImageBuilder {
  /** Builds the runtime's image, or reuses the one built for the same runtime hash, and returns its name. */
  build(request: RunRequestV1, options: StartRunOptionsV1): Promise<string>;
  /** The image as a `docker save` archive. */
  save(image: string): Promise<NodeJS.ReadableStream>;
  /** Tags the image as `target` and pushes it, with the daemon's credentials for that registry. */
  push(image: string, target: string, options: StartRunOptionsV1): Promise<void>;
}

/** Creates a {@link DockerImageBuilder}; nothing is contacted until it is first used. */
export function createDockerImageBuilder(settings: DockerImageBuilderSettings = {}): DockerImageBuilder {
  const connection = new DockerConnection(settings.host);
  const images = new RuntimeImages(connection, {
    ...(settings.baseImage ? { baseImage: settings.baseImage } : {}),
    ...(settings.buildNetwork ? { buildNetwork: settings.buildNetwork } : {}),
  });
  return {
    async build(request, options) {
      return (await images.prepare(request, options)).image;
    },
    save(image) {
      return connection.use(async (docker) => docker.getImage(image).get());
    },
    async push(image, target, options) {
      const separator = target.lastIndexOf(':');
      const hasTag = separator > target.lastIndexOf('/');
      const repository = hasTag ? target.slice(0, separator) : target;
      const tag = hasTag ? target.slice(separator + 1) : 'latest';
      await connection.use(async (docker) => {
        await docker.getImage(image).tag({ repo: repository, tag });
        const stream = (await docker.getImage(`${repository}:${tag}`).push({})) as NodeJS.ReadableStream;
        let failure: string | undefined;
        await followDockerProgress<{ status?: string; error?: string }>(docker, stream, (event) => {
          if (event.error) failure = event.error;
          else if (event.status) options.onProgress?.({ phase: 'transfer', message: event.status });
        });
        if (failure !== undefined) {
          throw new RuntimeBuildError({
            runtimeHash: '',
            message: `Pushing ${repository}:${tag} failed: ${failure}`,
            hint: 'Log in to the registry on the Docker daemon (docker login), or check the imageRegistry setting.',
          });
        }
      });
    },
  };
}
