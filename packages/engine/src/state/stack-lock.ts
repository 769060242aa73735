import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StackLockedError } from '../errors/stack-locked-error';
import type { LockHolder } from './lock-holder';
import { processIdentity } from './process-identity';

/** A lock file held by this process. */
export interface StackLock {
  /** What this process wrote into the lock. */
  readonly holder: LockHolder;
  /** The holder of a lock left by a dead process on this host, which this process took over. */
  readonly staleHolder: LockHolder | undefined;
  /** Removes the lock, unless someone has removed it and locked again meanwhile. */
  release(): Promise<void>;
}

/** How long a lock file may stay empty (its creator about to write it) before it counts as stale. */
const emptyLockGraceMilliseconds = 10_000;

/**
 * Locks a stack against concurrent applies: the lock file is created exclusively (`O_EXCL`), so of two
 * processes exactly one succeeds, and it holds the holder's pid, host, command and start time so the
 * other can say who is in the way. A lock whose holder is a dead process on this host (killed, crashed)
 * is stale and taken over; its unfinished operations are then resolved from the state's journal.
 */
export async function acquireStackLock(path: string, stack: string, command: string): Promise<StackLock> {
  const identity = processIdentity(process.pid);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString(),
    ...(identity ? { process: identity } : {}),
  };
  const text = `${JSON.stringify(holder)}\n`;
  let staleHolder: LockHolder | undefined;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o644);
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      return {
        holder,
        staleHolder,
        release: async () => {
          const current = await readFile(path, 'utf8').catch(() => undefined);
          if (current === text) await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const existing = await readLockFile(path);
    if (existing === undefined) continue; // released meanwhile
    const current = existing.holder;
    if (attempt >= 5 || (current && !isStale(current))) {
      throw new StackLockedError(stack, current ?? unknownHolder(existing.modifiedAt));
    }
    if (!current && Date.now() - existing.modifiedAt < emptyLockGraceMilliseconds) {
      throw new StackLockedError(stack, unknownHolder(existing.modifiedAt));
    }
    if (await breakStaleLock(path, existing.text))
      staleHolder = current ?? unknownHolder(existing.modifiedAt);
  }
}

/** Who holds a stack's lock, if anyone. */
export async function readStackLock(path: string): Promise<LockHolder | undefined> {
  const existing = await readLockFile(path);
  return existing && (existing.holder ?? unknownHolder(existing.modifiedAt));
}

/** Removes a stack's lock whoever holds it (`icl state unlock`), and says who held it. */
export async function removeStackLock(path: string): Promise<LockHolder | undefined> {
  const holder = await readStackLock(path);
  await rm(path, { force: true });
  return holder;
}

/**
 * Whether a lock's holder is a process on this host that no longer runs: its pid is free, or now names
 * another process (started later, or since a reboot).
 */
export function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (!isProcessAlive(holder.pid)) return true;
  return holder.process !== undefined && processIdentity(holder.pid) !== holder.process;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A killed process that its parent has not reaped yet is a zombie: gone for our purposes.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

async function readLockFile(
  path: string,
): Promise<{ text: string; holder: LockHolder | undefined; modifiedAt: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: LockHolder | undefined;
    try {
      const parsed = JSON.parse(text) as LockHolder;
      if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') holder = parsed;
    } catch {
      holder = undefined;
    }
    return { text, holder, modifiedAt: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Moves a stale lock out of the way. Two processes may find the same stale lock; the lock is renamed
 * (atomic) and checked to be the one that was judged stale, so a fresh lock another process took
 * meanwhile is put back instead of being broken.
 */
async function breakStaleLock(path: string, staleText: string): Promise<boolean> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== staleText) {
    await link(aside, path).catch(() => undefined);
    await rm(aside, { force: true });
    return false;
  }
  await rm(aside, { force: true });
  return true;
}

function unknownHolder(modifiedAt: number): LockHolder {
  return {
    pid: 0,
    host: 'an unknown host',
    command: 'unknown',
    startedAt: new Date(modifiedAt).toISOString(),
  };
}
