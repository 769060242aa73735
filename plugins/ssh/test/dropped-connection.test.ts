import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { runRequest } from './run-request';
import { hostSettings, testHost } from './testbed-hosts';

const run = promisify(execFile);
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-ssh-drop-'));
});
afterAll(async () => {
  // Whatever happened, the host's link is up again for the other tests.
  await run('ip', ['link', 'set', testHost('python').link, 'up']).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

function backend() {
  return createSshBackend(hostSettings('python', { connectTimeoutSeconds: 3 }), {
    stateDirectory: path.join(root, 'state'),
    cacheDirectory: path.join(root, 'cache'),
  });
}

describe('a dropped connection loses nothing', () => {
  test('a run whose link is cut for 10 s finishes on the host; logs --follow afterwards has its whole output and code', async () => {
    const script = path.join(root, 'steady.py');
    await writeFile(
      script,
      'import sys, time\nfor i in range(6):\n    print(f"line {i}", flush=True)\n    time.sleep(1)\nsys.exit(3)\n',
    );
    const first = backend();
    const handle = await first.startRun(runRequest({ kind: 'script', path: script }, { detach: true }));
    for await (const chunk of first.readLogs(handle, { follow: true }))
      if (chunk.text.includes('line 0')) break;
    await first.close?.();

    // The laptop's lid closes: the host is unreachable for 10 s, longer than the program still runs.
    const link = testHost('python').link;
    await run('ip', ['link', 'set', link, 'down']);
    const cutAt = Date.now();
    // Meanwhile the run is said to be out of reach, with why, within the connect timeout: never `running`.
    const looking = backend();
    const meanwhile = await looking.getRunState(handle);
    await looking.close?.();
    expect(meanwhile.status).toBe('unreachable');
    expect(meanwhile.reason).toContain(`Cannot reach ${hostSettings('python').host}`);
    expect(Date.now() - cutAt).toBeLessThan(6_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - cutAt))));
    await run('ip', ['link', 'set', link, 'up']);

    const second = backend();
    try {
      let output = '';
      for await (const chunk of second.readLogs(handle, { follow: true })) output += chunk.text;
      expect(output).toBe('line 0\nline 1\nline 2\nline 3\nline 4\nline 5\n');
      const state = await second.waitForRun(handle);
      expect(state).toMatchObject({ status: 'failed', exitCode: 3 });
    } finally {
      await second.close?.();
    }
  }, 60_000);
});
