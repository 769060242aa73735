import { readdirSync, readFileSync } from 'node:fs';

/**
 * What identifies one run's processes: the process group its program was started in, and the run id
 * every process it starts inherits in its environment (`ICL_RUN_ID`). A child that leaves the group
 * (`setsid`, Python's `start_new_session=True`) keeps the environment, so on Linux, where `/proc` shows
 * each process's starting environment, it is still found. (A process that clears its whole environment,
 * `env -i`, sheds the marker too.)
 */
export interface RunProcesses {
  readonly processGroupId: number;
  readonly runId: string;
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return readStat(pid)?.state !== 'Z';
}

/**
 * The live processes of a run other than this one: those of its group and, on Linux, those whose
 * environment carries its run id. Zombies are left out (they are dead, only waiting to be reaped).
 */
export function findRunProcesses(run: RunProcesses): number[] {
  if (process.platform !== 'linux') return isGroupSignalable(run.processGroupId) ? [-run.processGroupId] : [];
  const marker = `ICL_RUN_ID=${run.runId}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const stat = readStat(pid);
    if (stat === undefined || stat.state === 'Z') continue;
    if (stat.processGroupId === run.processGroupId || readEnvironment(pid).includes(marker)) found.push(pid);
  }
  return found;
}

/** Whether any process of the run is still alive. */
export function areRunProcessesAlive(run: RunProcesses): boolean {
  return findRunProcesses(run).length > 0;
}

/**
 * Stops every process of a run: SIGTERM first so programs can clean up, SIGKILL for whatever is left
 * after the grace period. Resolves once none is alive.
 */
export async function stopRunProcesses(run: RunProcesses, graceMilliseconds: number): Promise<void> {
  signalAll(run, 'SIGTERM');
  const deadline = Date.now() + graceMilliseconds;
  while (areRunProcessesAlive(run)) {
    if (Date.now() >= deadline) {
      signalAll(run, 'SIGKILL');
      await waitUntil(() => !areRunProcessesAlive(run), 5000);
      return;
    }
    await sleep(25);
  }
}

function signalAll(run: RunProcesses, signal: NodeJS.Signals): void {
  // The group at once (what forks in between is in it too), then each marked process outside it.
  sendSignal(-run.processGroupId, signal);
  for (const pid of findRunProcesses(run)) sendSignal(pid, signal);
}

/** Sends a signal; a process or group that is already gone is fine. */
function sendSignal(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function isGroupSignalable(processGroupId: number): boolean {
  try {
    process.kill(-processGroupId, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntil(condition: () => boolean, timeoutMilliseconds: number): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!condition() && Date.now() < deadline) await sleep(25);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** A process's starting environment, `NAME=value` entries; empty when it cannot be read (another user's). */
function readEnvironment(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
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
