import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Whether the process `pid` of this machine has ended. A zombie (ended, not yet reaped by its parent)
 * counts as ended: it runs nothing and holds nothing, and reaping it is its parent's business, which in a
 * container without an init process may never happen.
 */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself contain ") ".
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    // No /proc (macOS) or the process vanished between the two checks.
    return !existsProcess(pid);
  }
}

/**
 * Polls until every process in `pids` has ended or `timeoutMilliseconds` passed, and returns those still
 * running, so a test can name the processes a cancel or timeout left behind.
 */
export async function waitForProcessesToExit(
  pids: readonly number[],
  timeoutMilliseconds: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMilliseconds;
  let remaining = pids.filter((pid) => !isProcessGone(pid));
  while (remaining.length > 0 && Date.now() < deadline) {
    await delay(50);
    remaining = remaining.filter((pid) => !isProcessGone(pid));
  }
  return remaining;
}

function existsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
