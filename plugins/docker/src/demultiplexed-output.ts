import { PassThrough } from 'node:stream';
import type { OutputBytes } from '@icl/backend-kit';
import type { LogStream } from '@icl/core';
import type Dockerode from 'dockerode';

/** How much undelivered output is held before the daemon's stream is paused. */
const bufferedBytesLimit = 8 * 1024 * 1024;

/**
 * Splits the multiplexed stream of `GET /containers/{id}/logs` into stdout and stderr with
 * docker-modem's demultiplexer, and yields what arrived since the last step, merged per stream, so a
 * program printing line by line is not turned into thousands of tiny chunks. The daemon's stream is
 * paused while the consumer lags far behind, so a huge output does not pile up in memory.
 *
 * Ends when the daemon ends the stream; stops (without error) when `signal` aborts.
 */
export async function* demultiplexedOutput(
  docker: Dockerode,
  source: NodeJS.ReadableStream,
  signal?: AbortSignal,
): AsyncGenerator<OutputBytes> {
  const pending: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  let pendingBytes = 0;
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const collect = (stream: LogStream) => (bytes: Buffer) => {
    pending[stream].push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes > bufferedBytesLimit) source.pause();
    notify();
  };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', collect('stdout'));
  stderr.on('data', collect('stderr'));
  docker.modem.demuxStream(source, stdout, stderr);
  const finish = (error?: unknown) => {
    if (error !== undefined && failure === undefined && !signal?.aborted) failure = error;
    ended = true;
    notify();
  };
  source.on('end', () => finish());
  source.on('close', () => finish());
  source.on('error', (error: unknown) => finish(error));
  const abort = () => {
    (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    finish();
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) return;
      // Let the PassThroughs hand over what the demultiplexer wrote before the end was seen.
      if (ended) await new Promise((resolve) => setImmediate(resolve));
      let delivered = false;
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pending[stream].length === 0) continue;
        const bytes = Buffer.concat(pending[stream]);
        pending[stream] = [];
        pendingBytes -= bytes.length;
        delivered = true;
        yield { stream, bytes };
      }
      if (pendingBytes <= bufferedBytesLimit / 2 && source.isPaused()) source.resume();
      if (ended && !delivered) {
        if (failure !== undefined) throw failure;
        return;
      }
      if (!delivered && !ended) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    if (!ended) (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}
