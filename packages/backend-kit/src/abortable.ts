/**
 * `promise`, but rejected with the signal's reason as soon as `signal` aborts. For waiting on work this
 * process does not own (another call's supervision of the same run, a timer) without cancelling it:
 * the work goes on, only this wait stops. The listener is removed once the promise settles, so long
 * runs do not pile listeners onto a signal that lives as long as the backend.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
