/** The longest delay Node.js timers take; a longer one fires at once, with a warning. */
const longestTimerMilliseconds = 2 ** 31 - 1;

/** Options of {@link setLongTimeout} and {@link setLongInterval}. */
export interface LongTimerOptions {
  /**
   * Whether the timer keeps the process alive while it waits, as Node.js timers do by default. `false`
   * for background work (a controller's resync) that must not hold a process that is otherwise done.
   */
  readonly keepAlive?: boolean;
}

/**
 * Calls `callback` once after `milliseconds`, however long that is. Node.js timers take at most about
 * 24.8 days and fire at once for anything longer, so a duration a user may write (`--timeout 30d`, a
 * lease of 60 days) is waited for in steps. Returns a function that cancels it.
 */
export function setLongTimeout(
  callback: () => void,
  milliseconds: number,
  options: LongTimerOptions = {},
): () => void {
  const due = Date.now() + Math.max(0, milliseconds);
  let timer: ReturnType<typeof setTimeout>;
  const schedule = (delay: number) => {
    timer = setTimeout(wait, Math.min(Math.max(0, delay), longestTimerMilliseconds));
    if (options.keepAlive === false) (timer as { unref?: () => void }).unref?.();
  };
  const wait = () => {
    const left = due - Date.now();
    if (left <= 0) return callback();
    schedule(left);
  };
  schedule(milliseconds);
  return () => clearTimeout(timer);
}

/**
 * Calls `callback` every `milliseconds`, however long that is (a controller's `--period 30d`), as
 * {@link setLongTimeout} does once. Returns a function that stops it.
 */
export function setLongInterval(
  callback: () => void,
  milliseconds: number,
  options: LongTimerOptions = {},
): () => void {
  let cancel: () => void = () => undefined;
  let stopped = false;
  const schedule = () => {
    cancel = setLongTimeout(
      () => {
        if (stopped) return;
        schedule();
        callback();
      },
      milliseconds,
      options,
    );
  };
  schedule();
  return () => {
    stopped = true;
    cancel();
  };
}
