import { promises as fs } from 'node:fs';
import type { OutputBytes } from '@icl/backend-kit';
import type { LogStream } from '@icl/core';
import type Dockerode from 'dockerode';
import { demultiplexedOutput } from './demultiplexed-output';
import type { DockerRunDirectory } from './docker-run-directory';

/**
 * The output of a container attached to before it starts, written straight into the run directory's
 * `stdout.log` and `stderr.log` as it arrives.
 *
 * The process that starts an attached run reads its output from here rather than from `docker logs`:
 * the attach stream carries the program's bytes as written, where the daemon's log copier holds back
 * a line until its newline (a progress bar redrawn with `\r` would not show), and once the container
 * stops the files are already complete, so recording the end needs no further request.
 */
export class OutputCapture {
  readonly #directory: DockerRunDirectory;
  readonly #stopping = new AbortController();
  #ended = false;
  #listeners = new Set<() => void>();
  /** Resolves once the container's output streams closed and everything is on disk; rejects if it broke or was stopped. */
  readonly done: Promise<void>;

  private constructor(
    directory: DockerRunDirectory,
    pump: (capture: OutputCapture, signal: AbortSignal) => Promise<void>,
  ) {
    this.#directory = directory;
    this.done = pump(this, this.#stopping.signal).finally(() => {
      this.#ended = true;
      this.#notify();
    });
    // Readers and the end recorder look at `done` themselves; an unobserved failure is not a crash.
    this.done.catch(() => {});
  }

  /**
   * Attaches to a created container's stdout and stderr and starts copying them into the run
   * directory. Must be called before the container starts, so no output is missed.
   */
  static async attach(
    docker: Dockerode,
    container: Dockerode.Container,
    directory: DockerRunDirectory,
  ): Promise<OutputCapture> {
    const stream = (await container.attach({
      stream: true,
      stdout: true,
      stderr: true,
    })) as NodeJS.ReadableStream;
    const files = {
      stdout: await fs.open(directory.output('stdout'), 'w'),
      stderr: await fs.open(directory.output('stderr'), 'w'),
    };
    return new OutputCapture(directory, async (capture, signal) => {
      try {
        for await (const output of demultiplexedOutput(docker, stream, signal)) {
          await files[output.stream].write(output.bytes);
          capture.#notify();
        }
        // Stopped early, the files may lack the end: whoever records the run's end reads the daemon's logs.
        if (signal.aborted) throw new Error('The output capture was stopped before the container ended.');
      } finally {
        await Promise.allSettled([files.stdout.close(), files.stderr.close()]);
      }
    });
  }

  /** Stops capturing (a container that will never start, a backend being closed); `done` then rejects. */
  stop(): void {
    this.#stopping.abort();
  }

  /** Whether the output streams have closed and everything is on disk. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * The captured output from the given byte offsets on. With `follow`, waits for more until the
   * container's streams close; without, ends at what is on disk now.
   */
  async *read(
    offsets: Readonly<Record<LogStream, number>>,
    follow: boolean,
    signal: AbortSignal,
  ): AsyncGenerator<OutputBytes> {
    const position = { ...offsets };
    while (!signal.aborted) {
      // Ask before reading: output written before the end is then certain to be read below.
      const ended = this.#ended;
      const changed = this.#nextChange();
      let progressed = false;
      for await (const output of this.#directory.readOutput(position)) {
        position[output.stream] += output.bytes.length;
        progressed = true;
        yield output;
      }
      if (!follow || (ended && !progressed)) return;
      if (!progressed) await abortableWait(changed, signal);
    }
  }

  #nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const listener = () => {
        this.#listeners.delete(listener);
        resolve();
      };
      this.#listeners.add(listener);
    });
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

function abortableWait(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    promise.then(done);
  });
}
