/** The longest delay Node.js timers take; a longer one fires at once, with a warning. */
const longestTimerMilliseconds = 2 ** 31 - 1;

/**
 * Calls `callback` once after `milliseconds`, however long that is. Node.js timers take at most about
 * 24.8 days and fire at once for anything longer, so a duration a user may write (`--timeout 30d`, a
 * lease of 60 days) is waited for in steps. Returns a function that cancels it.
 */
export function setLongTimeout(callback: () => void, milliseconds: number): () => void {
  const due = Date.now() + Math.max(0, milliseconds);
  let timer: ReturnType<typeof setTimeout>;
  const wait = () => {
    const left = due - Date.now();
    if (left <= 0) return callback();
    timer = setTimeout(wait, Math.min(left, longestTimerMilliseconds));
  };
  timer = setTimeout(wait, Math.min(Math.max(0, milliseconds), longestTimerMilliseconds));
  return () => clearTimeout(timer);
}
