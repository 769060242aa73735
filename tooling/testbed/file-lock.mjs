// An exclusive lock file across processes, holding the owner's pid; a dead owner's lock is taken over.
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive, readPidFile } from './process-table.mjs';
import { TestbedPeerError } from './testbed-peer-error.mjs';

const lockTimeoutMilliseconds = 20 * 60_000;

/**
 * Serialises testbed starts across processes with an exclusive lock file holding the owner's pid.
 * @template T
 * @param {string} lockFile
 * @param {(message: string) => void} log
 * @param {() => Promise<T>} action
 * @param {string} [peer] what the lock guards, named when waiting for it times out
 * @returns {Promise<T>}
 */
export async function withLock(lockFile, log, action, peer = 'dockerd') {
  const deadline = Date.now() + lockTimeoutMilliseconds;
  let reportedWaiting = false;
  for (;;) {
    try {
      await fs.writeFile(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (await isLockAbandoned(lockFile)) {
      await fs.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new TestbedPeerError(peer, `another testbed start still holds ${lockFile} after 20 minutes`);
    }
    if (!reportedWaiting) log(`waiting for another testbed start (lock ${lockFile})`);
    reportedWaiting = true;
    await sleep(250);
  }
  try {
    return await action();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}

export async function isLockAbandoned(lockFile) {
  const holder = await readPidFile(lockFile);
  if (holder !== undefined) return !isProcessAlive(holder);
  try {
    // Created but not yet written: abandoned only if it stays empty.
    return Date.now() - (await fs.stat(lockFile)).mtimeMs > 10_000;
  } catch {
    return true;
  }
}
