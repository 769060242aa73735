import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalBackend } from '../src/index';
import { createTemporaryRoot, runRequest, writeProgram } from './helpers';

const day = 24 * 60 * 60 * 1000;

describe('a timeout longer than one Node.js timer takes', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary.remove());

  test.each([
    false,
    true,
  ])('(25 days) lets the run finish instead of ending it at once; detached: %s', async (detach) => {
    const program = await writeProgram(
      temporary.root,
      'short.py',
      'import time\ntime.sleep(0.5)\nprint("done")\n',
    );
    const local = createLocalBackend(
      {},
      { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
    );
    const handle = await local.startRun(
      runRequest({ kind: 'script', path: program }, { timeoutMilliseconds: 25 * day, detach }),
    );
    const state = await local.waitForRun(handle);
    expect(state.status, state.reason).toBe('succeeded');
    let output = '';
    for await (const chunk of local.readLogs(handle)) output += chunk.text;
    expect(output).toBe('done\n');
    await local.close?.();
  }, 20_000);
});
