import { createRunBackend, defaultBackendContext } from '@icl/backend-kit';
import type { BackendContextV1, BackendV1 } from '@icl/core';
import {
  checkKubernetesBackendSettings,
  type KubernetesBackendSettings,
} from './kubernetes-backend-settings';
import { KubernetesConnection } from './kubernetes-connection';
import { KubernetesRunDriver } from './kubernetes-run-driver';
import type { RuntimeImageBuilder } from './runtime-image-builder';
import { RuntimeImages } from './runtime-images';

/**
 * What other plugins (kind, EKS, GKE) pass when they build their backend on this runner, beyond the
 * settings a user writes.
 */
export interface KubernetesBackendOptions {
  /** The backend's name in errors and listings (`kind`, `eks`). Default `k8s`. */
  name?: string;
  /**
   * The kubeconfig as text, for a cluster the calling plugin made or looked up (kind's, EKS's); used
   * instead of any kubeconfig file. It is kept in memory only.
   */
  kubeconfig?: string;
  /** Builds images of runtimes that install packages (a Docker daemon); without one they are refused. */
  imageBuilder?: RuntimeImageBuilder;
}

/**
 * Creates the Kubernetes backend. Nothing is read, imported or contacted until the first operation, so
 * creating it is free; a cluster that cannot be reached is reported by that operation, naming the API
 * server and context. `context` comes from the host (the SDK or CLI); without one, run records go to the
 * state directory the CLI would use (`ICL_STATE_DIR`, else XDG's).
 *
 * @example
 * ```ts
 * // A plugin that made a cluster runs programs on it with its kubeconfig:
 * const backend = createKubernetesBackend({ namespace: 'ml' }, context, { name: 'kind', kubeconfig: text });
 * ```
 *
 * @throws InvalidArgumentError for an unknown setting or one of the wrong type.
 */
export function createKubernetesBackend(
  settings: KubernetesBackendSettings = {},
  context?: BackendContextV1,
  options: KubernetesBackendOptions = {},
): BackendV1 {
  // `--on k8s:<context>` arrives as the setting `target`: the kubeconfig context to use.
  const { target, ...rest } = settings as KubernetesBackendSettings & { target?: unknown };
  const checked = checkKubernetesBackendSettings(
    typeof target === 'string' && target !== '' ? { ...rest, context: target } : settings,
  );
  const name = options.name ?? 'k8s';
  const driver = new KubernetesRunDriver({
    name,
    settings: checked,
    connection: new KubernetesConnection(checked, options.kubeconfig, name),
    images: new RuntimeImages(checked, options.imageBuilder ?? dockerImageBuilder(checked)),
    ...(options.kubeconfig === undefined ? {} : { kubeconfigContent: options.kubeconfig }),
  });
  return createRunBackend(driver, {
    stateDirectory: checked.stateDirectory ?? (context ?? defaultBackendContext(name)).stateDirectory,
  });
}

/**
 * The default image builder: the Docker daemon at `DOCKER_HOST` (or the default socket), through
 * `@icl/plugin-docker`, imported only when a runtime first needs a build. Builds start from the image
 * runs use (the `image` setting).
 */
function dockerImageBuilder(settings: KubernetesBackendSettings): RuntimeImageBuilder {
  let builder: Promise<RuntimeImageBuilder> | undefined;
  const load = () => {
    builder ??= import('@icl/plugin-docker').then(({ createDockerImageBuilder }) =>
      createDockerImageBuilder(settings.image ? { baseImage: settings.image } : {}),
    );
    return builder;
  };
  return {
    build: async (request, options) => (await load()).build(request, options),
    save: async (image) => (await load()).save(image),
    push: async (image, target, options) => (await load()).push!(image, target, options),
  };
}
