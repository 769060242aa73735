import { type RunRequestV1, type Runtime, RuntimeBuildError, type StartRunOptionsV1 } from '@icl/core';
import { runImageLoadCommand } from './image-load-command';
import type { KubernetesBackendSettings } from './kubernetes-backend-settings';
import type { RuntimeImageBuilder } from './runtime-image-builder';

/** The image of runtimes that name none and no Python version. */
export const defaultImage = 'python:3.12-slim';

/** Whether a runtime needs an image of its own, because it installs packages. */
export function runtimeNeedsBuild(runtime: Runtime): boolean {
  const dependencies = runtime.dependencies ?? {};
  return [dependencies.pip, dependencies.apt, dependencies.npm].some((list) => (list?.length ?? 0) > 0);
}

/**
 * Decides which image a run's pod runs, and makes built images reachable by the cluster. A runtime
 * without packages runs in its `image` as given (else `python:<python>-slim`, else the `image` setting);
 * the nodes pull it or already have it. A runtime with packages is built by the image builder (once
 * per runtime hash), then pushed to `imageRegistry` or loaded into the nodes with `imageLoad`, once per
 * image and process.
 */
export class RuntimeImages {
  readonly #settings: KubernetesBackendSettings;
  readonly #builder: RuntimeImageBuilder | undefined;
  /** Images made available to the cluster by this process, so concurrent runs load each once. */
  readonly #published = new Map<string, Promise<string>>();

  constructor(settings: KubernetesBackendSettings, builder: RuntimeImageBuilder | undefined) {
    this.#settings = settings;
    this.#builder = builder;
  }

  /** The image a runtime names or is based on, before packages. */
  baseImage(runtime: Runtime): string {
    if (runtime.image) return runtime.image;
    if (runtime.python) return `python:${runtime.python}-slim`;
    return this.#settings.image ?? defaultImage;
  }

  /**
   * The image to run a request in, reachable by the cluster.
   *
   * @throws RuntimeBuildError when packages need a build and there is no builder or no way to get the
   *   image to the nodes, or when building, pushing or loading fails.
   */
  async prepare(request: RunRequestV1, options: StartRunOptionsV1 = {}): Promise<string> {
    if (!runtimeNeedsBuild(request.runtime)) return this.baseImage(request.runtime);
    const builder = this.#builder;
    if (!builder) {
      throw new RuntimeBuildError({
        runtimeHash: request.runtimeHash,
        message:
          'The runtime installs packages, which needs an image built for it, and this Kubernetes backend has no image builder.',
        hint: 'Give the runtime an image that already has the packages (runtime.image), or create the backend with an imageBuilder (createKubernetesBackend(settings, context, { imageBuilder })).',
      });
    }
    const { imageRegistry, imageLoad } = this.#settings;
    if (!imageRegistry && !imageLoad) {
      throw new RuntimeBuildError({
        runtimeHash: request.runtimeHash,
        message:
          'The runtime needs a built image, and the cluster has no way to get it: neither "imageLoad" nor "imageRegistry" is set.',
        hint: 'Set imageLoad to a command that loads a docker save archive into the nodes (kind load image-archive /dev/stdin), or imageRegistry to a registry the nodes pull from.',
      });
    }
    const image = await builder.build(request, options);
    let published = this.#published.get(image);
    if (!published) {
      published = this.#publish(builder, image, request.runtimeHash, options);
      this.#published.set(image, published);
      published.catch(() => this.#published.delete(image));
    }
    return published;
  }

  async #publish(
    builder: RuntimeImageBuilder,
    image: string,
    runtimeHash: string,
    options: StartRunOptionsV1,
  ): Promise<string> {
    const { imageRegistry, imageLoad } = this.#settings;
    if (imageRegistry) {
      if (!builder.push) {
        throw new RuntimeBuildError({
          runtimeHash,
          message: `The image builder cannot push images, so ${image} cannot go to ${imageRegistry}.`,
          hint: 'Use imageLoad instead of imageRegistry, or an image builder that pushes.',
        });
      }
      const target = `${imageRegistry.replace(/\/+$/, '')}/${image.split('/').pop()}`;
      options.onProgress?.({ phase: 'transfer', message: `Pushing ${target}` });
      await builder.push(image, target, options);
      options.onProgress?.({ phase: 'transfer', message: `Pushed ${target}`, done: true });
      return target;
    }
    options.onProgress?.({ phase: 'transfer', message: `Loading ${image} into the cluster's nodes` });
    await runImageLoadCommand(imageLoad!, image, await builder.save(image), runtimeHash);
    options.onProgress?.({
      phase: 'transfer',
      message: `Loaded ${image} into the cluster's nodes`,
      done: true,
    });
    return image;
  }
}
