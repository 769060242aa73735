import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from './run-processes';

const completeMarker = '.icl-complete';

/**
 * Builds a directory once and reuses it: the content-addressed cache behind Python venvs and Node
 * dependencies. A lock keeps two processes from building the same directory at once, and a marker
 * written last means a build interrupted by a crash is detected and redone, never used half-built.
 *
 * @returns whether an existing build was reused.
 */
export async function buildCachedDirectory(
  directory: string,
  build: (directory: string) => Promise<void>,
  options: { onWait?: () => void; signal?: AbortSignal } = {},
): Promise<boolean> {
  const marker = `${directory}/${completeMarker}`;
  if (await exists(marker)) return true;
  const lock = `${directory}.lock`;
  await fs.mkdir(path.dirname(directory), { recursive: true });
  await acquireLock(lock, options);
  try {
    if (await exists(marker)) return true;
    await fs.rm(directory, { recursive: true, force: true });
    await fs.mkdir(directory, { recursive: true });
    try {
      await build(directory);
    } catch (error) {
      await fs.rm(directory, { recursive: true, force: true });
      throw error;
    }
    await fs.writeFile(marker, new Date().toISOString());
    return false;
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

async function acquireLock(
  lock: string,
  options: { onWait?: () => void; signal?: AbortSignal },
): Promise<void> {
  let announced = false;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      await fs.mkdir(lock, { recursive: false });
      await fs.writeFile(`${lock}/pid`, String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await fs.readFile(`${lock}/pid`, 'utf8').catch(() => '0'));
    if (holder > 0 && !isProcessAlive(holder)) {
      await fs.rm(lock, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      options.onWait?.();
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
