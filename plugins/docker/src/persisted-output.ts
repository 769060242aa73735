import { promises as fs } from 'node:fs';
import type { LogStream } from '@icl/core';
import type Dockerode from 'dockerode';
import { demultiplexedOutput, type OutputBytes } from './demultiplexed-output';
import type { DockerRunDirectory } from './docker-run-directory';

const readBytes = 1024 * 1024;

/**
 * Copies a stopped container's complete output into the run directory (`stdout.log`, `stderr.log`),
 * so it stays readable after the container is removed. Each file appears whole or not at all.
 */
export async function persistContainerOutput(
  docker: Dockerode,
  container: Dockerode.Container,
  directory: DockerRunDirectory,
): Promise<void> {
  const targets = {
    stdout: { file: directory.stdout, temporary: directory.temporary(directory.stdout) },
    stderr: { file: directory.stderr, temporary: directory.temporary(directory.stderr) },
  };
  const handles = {
    stdout: await fs.open(targets.stdout.temporary, 'w'),
    stderr: await fs.open(targets.stderr.temporary, 'w'),
  };
  try {
    // Following a stopped container's logs streams them to their end, without holding them in memory.
    const stream = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
    })) as NodeJS.ReadableStream;
    for await (const output of demultiplexedOutput(docker, stream)) {
      await handles[output.stream].write(output.bytes);
    }
    await Promise.all([handles.stdout.close(), handles.stderr.close()]);
    await fs.rename(targets.stdout.temporary, targets.stdout.file);
    await fs.rename(targets.stderr.temporary, targets.stderr.file);
  } finally {
    await Promise.allSettled([handles.stdout.close(), handles.stderr.close()]);
    await fs.rm(targets.stdout.temporary, { force: true });
    await fs.rm(targets.stderr.temporary, { force: true });
  }
}

/**
 * Reads a run's persisted output from the given byte offsets on, in chunks of up to 1 MiB, stdout
 * first. Missing files (a run that never produced output) read as empty.
 */
export async function* readPersistedOutput(
  directory: DockerRunDirectory,
  offsets: Readonly<Record<LogStream, number>>,
): AsyncGenerator<OutputBytes> {
  for (const stream of ['stdout', 'stderr'] as const) {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(stream === 'stdout' ? directory.stdout : directory.stderr, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    try {
      let position = offsets[stream];
      for (;;) {
        const buffer = Buffer.allocUnsafe(readBytes);
        const { bytesRead } = await handle.read(buffer, 0, readBytes, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        yield { stream, bytes: buffer.subarray(0, bytesRead) };
      }
    } finally {
      await handle.close();
    }
  }
}
