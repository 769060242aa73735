import type { RunRequestV1, StartRunOptionsV1 } from '@icl/core';

/**
 * Builds the image of a runtime that installs packages (pip, apt, npm), for backends that run images
 * they cannot build themselves. The Kubernetes backend asks it for an image, then makes the image
 * available to the cluster: loads the saved archive into the nodes (`imageLoad`) or pushes it to a
 * registry (`imageRegistry`).
 *
 * A Docker daemon is the usual builder; any implementation that tags images by the runtime's content
 * hash gets the same reuse: the same runtime is built once.
 */
export interface RuntimeImageBuilder {
  /**
   * Builds the runtime's image, or reuses the one built before for the same runtime hash, and returns
   * its name. Reports progress through `options.onProgress`.
   *
   * @throws RuntimeBuildError when the build fails, with the end of its output.
   */
  build(request: RunRequestV1, options: StartRunOptionsV1): Promise<string>;
  /** The image as a `docker save` archive, for commands that load it into the cluster's nodes. */
  save(image: string): Promise<NodeJS.ReadableStream>;
  /** Tags the image as `target` and pushes it to the registry `target` names. */
  push?(image: string, target: string, options: StartRunOptionsV1): Promise<void>;
}
