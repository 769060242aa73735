import type Dockerode from 'dockerode';

/**
 * Reads a stream of JSON progress events (an image pull or build) to its end, calling `onEvent` for
 * each, through docker-modem's parser. Resolves when the stream ends; rejects when it breaks.
 */
export function followDockerProgress<Event>(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  onEvent: (event: Event) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (event: Event) => onEvent(event),
    );
  });
}
