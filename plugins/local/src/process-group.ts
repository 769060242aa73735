import { readdirSync, readFileSync } from 'node:fs';

/** Whether a process exists and is not a zombie waiting to be reaped. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return processStateLetter(pid) !== 'Z';
}

/**
 * Whether any live process remains in the group. On Linux zombies are ignored (they are already dead,
 * only waiting for a parent to reap them); elsewhere the group signal test is used.
 */
export function isProcessGroupAlive(processGroupId: number): boolean {
  try {
    process.kill(-processGroupId, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.processGroupId === processGroupId && stat.state !== 'Z') return true;
  }
  return false;
}

/** Sends a signal to every process of a group; a group that is already gone is fine. */
export function signalProcessGroup(processGroupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-processGroupId, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Stops a whole process group: SIGTERM first so programs can clean up, SIGKILL for whatever is left
 * after the grace period. Resolves once no live process remains in the group.
 */
export async function stopProcessGroup(processGroupId: number, graceMilliseconds: number): Promise<void> {
  signalProcessGroup(processGroupId, 'SIGTERM');
  const deadline = Date.now() + graceMilliseconds;
  while (isProcessGroupAlive(processGroupId)) {
    if (Date.now() >= deadline) {
      signalProcessGroup(processGroupId, 'SIGKILL');
      await waitUntil(() => !isProcessGroupAlive(processGroupId), 5000);
      return;
    }
    await sleep(25);
  }
}

async function waitUntil(condition: () => boolean, timeoutMilliseconds: number): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!condition() && Date.now() < deadline) await sleep(25);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function processStateLetter(pid: number): string | undefined {
  return readStat(pid)?.state;
}

function readStat(pid: number): { state: string; processGroupId: number } | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces; fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] as string, processGroupId: Number(fields[2]) };
  } catch {
    return undefined;
  }
}
