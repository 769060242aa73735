import { RuntimeBuildError, type StartRunOptionsV1 } from '@icl/core';
import type Dockerode from 'dockerode';
import { dockerErrorMessage, dockerStatusCode } from './docker-api-error';
import { followDockerProgress } from './follow-docker-progress';
import { imageRegistry, withDefaultTag } from './image-registry';

/** One event of the daemon's pull progress stream. */
interface PullEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
}

/** Milliseconds between two progress lines of the same layer, so a download does not flood the display. */
const layerProgressInterval = 500;

/**
 * Pulls an image the daemon does not have, forwarding its progress (one line per layer step, download
 * bars throttled) to `onProgress`.
 *
 * @throws RuntimeBuildError naming the image and the registry it was pulled from, with the daemon's
 *   reason (no such repository, registry unreachable, authentication required).
 */
export async function pullImage(
  docker: Dockerode,
  reference: string,
  options: StartRunOptionsV1 & { runtimeHash: string },
): Promise<void> {
  const tagged = withDefaultTag(reference);
  const registry = imageRegistry(reference);
  const lastShown = new Map<string, number>();
  options.onProgress?.({ phase: 'runtime', message: `Pulling ${tagged} from ${registry}` });
  let failure: string | undefined;
  try {
    const stream = (await docker.pull(tagged, {
      ...(options.signal ? { abortSignal: options.signal } : {}),
    })) as NodeJS.ReadableStream;
    await followDockerProgress<PullEvent>(docker, stream, (event) => {
      if (event.error) {
        failure = event.error;
        return;
      }
      if (!event.status) return;
      const key = event.id ?? '';
      const now = Date.now();
      if (event.progressDetail?.current !== undefined) {
        if (now - (lastShown.get(key) ?? 0) < layerProgressInterval) return;
      }
      lastShown.set(key, now);
      const layer = event.id ? `${event.id}: ` : '';
      options.onProgress?.({
        phase: 'runtime',
        message: `${layer}${event.status}${event.progress ? ` ${event.progress}` : ''}`,
      });
    });
  } catch (error) {
    // Not an answer of the daemon (unreachable, aborted): the caller explains it.
    if (dockerStatusCode(error) === undefined) throw error;
    failure = dockerErrorMessage(error);
  }
  if (failure !== undefined) {
    throw new RuntimeBuildError({
      runtimeHash: options.runtimeHash,
      message: `Cannot pull the image ${tagged} from ${registry}: ${failure}`,
      hint: `Check the image name and tag; if ${registry} needs a login, run docker login ${registry}; without access to ${registry}, load the image into the daemon (docker load, or docker build -t ${tagged} .) or set the docker backend's baseImage to an image it has (docker images).`,
    });
  }
  options.onProgress?.({ phase: 'runtime', message: `Pulled ${tagged}`, done: true });
}
