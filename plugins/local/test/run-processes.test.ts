import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalBackend } from '../src/index';
import { createTemporaryRoot, runRequest, writeProgram } from './helpers';

/** A program whose child starts its own session (leaving the run's process group) and outlives it. */
const escaping = (pidFile: string, thenExit: boolean) => `import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
open(${JSON.stringify(pidFile)}, "w").write(str(child.pid))
print("started", flush=True)
${thenExit ? '' : 'time.sleep(600)\n'}`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function readPid(file: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    if (text !== '') return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${file} was never written`);
}

describe("a run's processes include children that start their own session", () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary.remove());

  test.each([false, true])('cancel stops a setsid grandchild; detached: %s', async (detach) => {
    const pidFile = path.join(temporary.root, `cancel-${detach}.pid`);
    const program = await writeProgram(temporary.root, `cancel-${detach}.py`, escaping(pidFile, false));
    const local = createLocalBackend(
      {},
      { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
    );
    const handle = await local.startRun(runRequest({ kind: 'script', path: program }, { detach }));
    const grandchild = await readPid(pidFile);
    expect(isAlive(grandchild)).toBe(true);
    const state = await local.cancelRun(handle);
    expect(state.status).toBe('cancelled');
    expect(isAlive(grandchild)).toBe(false);
    await local.close?.();
  }, 20_000);

  test('a program that ends leaving a setsid grandchild behind: the run ends it', async () => {
    const pidFile = path.join(temporary.root, 'leftover.pid');
    const program = await writeProgram(temporary.root, 'leftover.py', escaping(pidFile, true));
    const local = createLocalBackend(
      {},
      { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
    );
    const handle = await local.startRun(runRequest({ kind: 'script', path: program }));
    const state = await local.waitForRun(handle);
    expect(state.status).toBe('succeeded');
    expect(isAlive(await readPid(pidFile))).toBe(false);
    await local.close?.();
  }, 20_000);
});
