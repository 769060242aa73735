import { watch } from 'node:fs';

/** Resolves at the next change in a directory, after `timeoutMilliseconds`, or when `signal` aborts. */
export function directoryChange(
  directory: string,
  timeoutMilliseconds: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = () => {
      clearTimeout(timer);
      watcher?.close();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMilliseconds);
    try {
      watcher = watch(directory, done);
      watcher.on('error', done);
    } catch {
      // The directory may be gone; the timer still wakes the caller.
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
