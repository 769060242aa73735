import type { BackendV1, LogChunk, RunHandleV1 } from '@icl/core';

/** A run's output as read through `readLogs`: each stream joined, and the chunks as they arrived. */
export interface CollectedLogs {
  /** Everything read from stdout, in order. */
  stdout: string;
  /** Everything read from stderr, in order. */
  stderr: string;
  /** The chunks in arrival order, for tests about streaming. */
  chunks: LogChunk[];
}

/** Options of {@link collectLogs}. */
export interface CollectLogsOptions {
  /** Passed to `readLogs`: keep reading until the run has ended. */
  follow?: boolean;
  /**
   * Stop reading as soon as this returns true for the output so far (a test waiting for a line). The
   * iterator is closed and the signal given to `readLogs` aborted, as a caller giving up would do.
   */
  until?: (logs: CollectedLogs) => boolean;
  /** Stops reading early; what was read so far is returned. */
  signal?: AbortSignal;
}

/**
 * Reads a run's output through `readLogs` and checks every chunk has the documented shape, so each test
 * compares plain strings and a malformed chunk fails with a clear message instead of an odd diff.
 *
 * @throws Error when a chunk is not `{ stream: 'stdout' | 'stderr', text: string }`.
 */
export async function collectLogs(
  backend: BackendV1,
  handle: RunHandleV1,
  options: CollectLogsOptions = {},
): Promise<CollectedLogs> {
  const logs: CollectedLogs = { stdout: '', stderr: '', chunks: [] };
  const controller = new AbortController();
  const abort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) return logs;
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of backend.readLogs(handle, {
      follow: options.follow ?? false,
      signal: controller.signal,
    })) {
      if (
        chunk === null ||
        typeof chunk !== 'object' ||
        (chunk.stream !== 'stdout' && chunk.stream !== 'stderr') ||
        typeof chunk.text !== 'string'
      ) {
        throw new Error(
          `readLogs yielded a malformed chunk ${JSON.stringify(chunk)}; expected { stream: 'stdout' | 'stderr', text: string }.`,
        );
      }
      logs.chunks.push(chunk);
      logs[chunk.stream] += chunk.text;
      if (options.until?.(logs)) {
        controller.abort();
        break;
      }
      if (controller.signal.aborted) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
  return logs;
}
