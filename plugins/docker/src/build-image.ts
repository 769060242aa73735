import { RuntimeBuildError, type StartRunOptionsV1 } from '@icl/core';
import type Dockerode from 'dockerode';
import { dockerErrorMessage, dockerStatusCode } from './docker-api-error';
import { followDockerProgress } from './follow-docker-progress';
import { createTarArchive } from './tar-archive';

/** One event of the daemon's build output stream. */
interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** What {@link buildImage} builds. */
export interface ImageBuild {
  /** The Dockerfile, the whole build context. */
  dockerfile: string;
  /** The tag to give the image. */
  tag: string;
  /** Labels of the image. */
  labels: Record<string, string>;
  /** The network `RUN` steps use. */
  network: string;
  /** The runtime's hash, for the error. */
  runtimeHash: string;
}

/** How many lines of build output a failure shows. */
const tailLines = 30;

/**
 * Builds an image through the daemon's build API, showing each line of the build output as progress.
 *
 * @throws RuntimeBuildError with the daemon's reason and the last lines of the build output.
 */
export async function buildImage(
  docker: Dockerode,
  build: ImageBuild,
  options: StartRunOptionsV1,
): Promise<void> {
  const lines: string[] = [];
  let failure: string | undefined;
  const context = await createTarArchive([
    { type: 'file', name: 'Dockerfile', mode: 0o644, content: Buffer.from(build.dockerfile) },
  ]);
  try {
    const stream = (await docker.buildImage(context, {
      t: build.tag,
      labels: build.labels,
      networkmode: build.network,
      rm: true,
      forcerm: true,
      ...(options.signal ? { abortSignal: options.signal } : {}),
    })) as NodeJS.ReadableStream;
    await followDockerProgress<BuildEvent>(docker, stream, (event) => {
      if (event.error || event.errorDetail?.message) {
        failure = event.errorDetail?.message ?? event.error;
        return;
      }
      const text = event.stream ?? event.status;
      if (!text) return;
      for (const line of text.split(/\r?\n/)) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > tailLines) lines.shift();
        options.onProgress?.({ phase: 'runtime', message: line });
      }
    });
  } catch (error) {
    // Not an answer of the daemon (unreachable, aborted): the caller explains it.
    if (dockerStatusCode(error) === undefined) throw error;
    failure = dockerErrorMessage(error);
  }
  if (failure === undefined) {
    try {
      await docker.getImage(build.tag).inspect();
    } catch (error) {
      if (dockerStatusCode(error) !== 404) throw error;
      failure = `the build ended without producing ${build.tag}`;
    }
  }
  if (failure !== undefined) {
    throw new RuntimeBuildError({
      runtimeHash: build.runtimeHash,
      message: `Building the runtime image ${build.tag} failed: ${failure.trim()}${
        lines.length > 0 ? `\nLast lines of the build output:\n${lines.join('\n')}` : ''
      }`,
      hint: 'Check the package names and versions of the runtime; the build runs the Dockerfile steps shown above on the daemon, with the network of the "buildNetwork" setting.',
    });
  }
}
