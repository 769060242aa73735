import { promises as fs, watch } from 'node:fs';
import type { LogChunk, LogStream } from '@icl/core';
import type { LocalRunDirectory } from './local-run-directory';
import { readFinalState } from './local-run-state';

const chunkBytes = 256 * 1024;
const maximumChunkCharacters = 1024 * 1024;

/**
 * Reads a run's output files from the start. Each stream is decoded on its own with a streaming UTF-8
 * decoder, so a character split across two reads is delivered whole. With `follow`, it keeps reading
 * until the run has ended and both files are drained, waking on file-system events.
 */
export async function* readLocalLogs(
  directory: LocalRunDirectory,
  options: { follow?: boolean; signal?: AbortSignal; isEnded?: () => Promise<boolean> },
): AsyncGenerator<LogChunk> {
  const streams = [openStream('stdout', directory.stdout), openStream('stderr', directory.stderr)];
  const isEnded = options.isEnded ?? (async () => (await readFinalState(directory)) !== undefined);
  const wake = options.follow ? createWaker(directory.root) : undefined;
  try {
    while (!options.signal?.aborted) {
      // Ask before reading: output written before the end is then certain to be read below.
      const ended = !options.follow || (await isEnded());
      let progressed = false;
      for (const stream of streams) {
        for await (const text of stream.readAvailable()) {
          progressed = true;
          yield { stream: stream.name, text };
        }
      }
      if (ended && !progressed) break;
      if (!progressed) await wake?.next(options.signal);
    }
  } finally {
    wake?.close();
    await Promise.all(streams.map((stream) => stream.close()));
  }
}

function openStream(name: LogStream, file: string) {
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let handle: fs.FileHandle | undefined;
  let position = 0;
  return {
    name,
    async *readAvailable(): AsyncGenerator<string> {
      if (!handle) {
        try {
          handle = await fs.open(file, 'r');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
      }
      // Everything available is delivered in as few chunks as possible (at most 1 MiB each), so a
      // program writing line by line does not turn into thousands of tiny chunks.
      let text = '';
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
        if (bytesRead > 0) {
          position += bytesRead;
          text += decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
        }
        if (text && (bytesRead === 0 || text.length >= maximumChunkCharacters)) {
          yield text;
          text = '';
        }
        if (bytesRead === 0) return;
      }
    },
    async close() {
      await handle?.close();
    },
  };
}

/** Resolves `next()` on the next change in a directory, or after a short fallback delay. */
function createWaker(directory: string) {
  let pending: (() => void) | undefined;
  let changed = false;
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(directory, () => {
      changed = true;
      pending?.();
    });
    watcher.on('error', () => {});
  } catch {
    watcher = undefined;
  }
  return {
    next(signal?: AbortSignal): Promise<void> {
      if (changed) {
        changed = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          pending = undefined;
          changed = false;
          resolve();
        };
        const timer = setTimeout(done, 200);
        pending = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    close() {
      watcher?.close();
    },
  };
}
