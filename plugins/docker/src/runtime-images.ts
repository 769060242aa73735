import { createHash } from 'node:crypto';
import { runtimeDockerfile, runtimeNeedsBuild } from '@icl/backend-kit';
import type { RunRequestV1, StartRunOptionsV1 } from '@icl/core';
import { buildImage } from './build-image';
import { iclLabels } from './container-specification';
import { dockerStatusCode } from './docker-api-error';
import type { DockerConnection } from './docker-connection';
import { pullImage } from './pull-image';

/** The image of runtimes that name none and no Python version. */
export const defaultBaseImage = 'python:3.12-slim';

/** An image ready on the daemon. */
export interface PreparedImage {
  /** The image reference to create containers from. */
  image: string;
  /**
   * Whether it was already there and runs as root, so a container's `/workspace` is writable by the
   * program without files copied in (known only when it was there already; false otherwise).
   */
  runsAsRoot: boolean;
}

/** Settings that decide which image a runtime runs in. */
export interface RuntimeImageSettings {
  /** The image for runtimes that name none. */
  baseImage?: string;
  /** The network image builds use. */
  buildNetwork?: string;
}

/**
 * Turns runtimes into images on the daemon. A runtime without packages runs in its image as is (its
 * `image`, else `python:<python>-slim` for a Python version, else the `baseImage` setting), pulled if
 * the daemon lacks it. A runtime with packages gets an image of its own, built once and tagged
 * `icl-runtime:<runtime hash>`, so every later run with the same declaration reuses it and changing a
 * package builds a new one.
 */
export class RuntimeImages {
  readonly #connection: DockerConnection;
  readonly #settings: RuntimeImageSettings;
  /** Builds in progress in this process, so concurrent runs of one runtime build it once. */
  readonly #building = new Map<string, Promise<void>>();

  constructor(connection: DockerConnection, settings: RuntimeImageSettings) {
    this.#connection = connection;
    this.#settings = settings;
  }

  /** The image a runtime names or is based on, before packages. */
  baseImage(request: RunRequestV1): string {
    const runtime = request.runtime;
    if (runtime.image) return runtime.image;
    if (runtime.python) return `python:${runtime.python}-slim`;
    return this.#settings.baseImage ?? defaultBaseImage;
  }

  /**
   * The image to run a request in, present on the daemon. Reports pulls and builds through
   * `onProgress`, and a reused build as one `reused` event.
   *
   * @throws RuntimeBuildError when the image cannot be pulled or built.
   */
  async prepare(request: RunRequestV1, options: StartRunOptionsV1 = {}): Promise<PreparedImage> {
    const base = this.baseImage(request);
    if (!runtimeNeedsBuild(request.runtime)) {
      const present = await this.#inspect(base);
      if (!present) await this.#pull(base, request.runtimeHash, options);
      return { image: base, runsAsRoot: present?.runsAsRoot ?? false };
    }
    const tag = this.#tag(request, base);
    const built = await this.#inspect(tag);
    if (built) {
      options.onProgress?.({ phase: 'runtime', message: `Reusing image ${tag}`, reused: true, done: true });
      return { image: tag, runsAsRoot: built.runsAsRoot };
    }
    let building = this.#building.get(tag);
    if (!building) {
      building = this.#build(request, base, tag, options).finally(() => this.#building.delete(tag));
      this.#building.set(tag, building);
    }
    await building;
    return { image: tag, runsAsRoot: false };
  }

  /**
   * The tag of a runtime's built image: its content hash, which covers the image or Python version it
   * names. A runtime that names neither is built on the `baseImage` setting, which the hash does not
   * cover, so the tag also carries a digest of that base: changing the setting builds a new image.
   */
  #tag(request: RunRequestV1, base: string): string {
    if (request.runtime.image || request.runtime.python) return `icl-runtime:${request.runtimeHash}`;
    const baseDigest = createHash('sha256').update(base).digest('hex').slice(0, 8);
    return `icl-runtime:${request.runtimeHash}-${baseDigest}`;
  }

  async #build(request: RunRequestV1, base: string, tag: string, options: StartRunOptionsV1): Promise<void> {
    if (!(await this.#inspect(base))) await this.#pull(base, request.runtimeHash, options);
    const dockerfile = runtimeDockerfile(request.runtime, base);
    options.onProgress?.({ phase: 'runtime', message: `Building image ${tag} from ${base}` });
    await this.#connection.use((docker) =>
      buildImage(
        docker,
        {
          dockerfile,
          tag,
          labels: {
            [iclLabels.managed]: 'true',
            [iclLabels.runtimeHash]: request.runtimeHash,
            'icl.dev/base-image': base,
          },
          network: this.#settings.buildNetwork ?? 'host',
          runtimeHash: request.runtimeHash,
        },
        options,
      ),
    );
    options.onProgress?.({ phase: 'runtime', message: `Built image ${tag}`, done: true });
  }

  async #pull(image: string, runtimeHash: string, options: StartRunOptionsV1): Promise<void> {
    await this.#connection.use((docker) => pullImage(docker, image, { ...options, runtimeHash }));
  }

  /** What matters of an image the daemon has, or undefined when it does not have it. */
  async #inspect(image: string): Promise<{ runsAsRoot: boolean } | undefined> {
    return this.#connection.use(async (docker) => {
      try {
        const user = (await docker.getImage(image).inspect()).Config?.User ?? '';
        return { runsAsRoot: ['', 'root', '0'].includes(user.split(':')[0] ?? '') };
      } catch (error) {
        if (dockerStatusCode(error) === 404) return undefined;
        throw error;
      }
    });
  }
}
