import type Dockerode from 'dockerode';
import { demultiplexedOutput } from './demultiplexed-output';
import type { DockerRunDirectory } from './docker-run-directory';

/**
 * Copies a stopped container's complete output into the run directory (`stdout.log`, `stderr.log`),
 * so it stays readable after the container is removed. Each file appears whole or not at all.
 */
export async function persistContainerOutput(
  docker: Dockerode,
  container: Dockerode.Container,
  directory: DockerRunDirectory,
): Promise<void> {
  await directory.writeOutputStream(stoppedContainerOutput(docker, container));
}

async function* stoppedContainerOutput(docker: Dockerode, container: Dockerode.Container) {
  // Following a stopped container's logs streams them to their end, without holding them in memory.
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
  })) as NodeJS.ReadableStream;
  yield* demultiplexedOutput(docker, stream);
}
