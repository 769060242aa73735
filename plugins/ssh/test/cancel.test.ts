import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { runRequest } from './run-request';
import { hostSettings, onHost } from './testbed-hosts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-ssh-cancel-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** `ps` on the host, through OpenSSH's own client, as a user would check. */
const hostProcesses = () => onHost('python', 'ps -eo pid,args');

describe('cancel on an SSH host', () => {
  test('leaves no process of the run, including a grandchild in its own session (seen with ps over ssh)', async () => {
    const marker = `icl-cancel-${Date.now().toString(36)}`;
    const script = path.join(root, 'spawner.py');
    await writeFile(
      script,
      `import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "${marker}-grandchild"], start_new_session=True)
print("started", flush=True)
time.sleep(600)
`,
    );
    const backend = createSshBackend(hostSettings('python'), {
      stateDirectory: path.join(root, 'state'),
      cacheDirectory: path.join(root, 'cache'),
    });
    try {
      const handle = await backend.startRun(runRequest({ kind: 'script', path: script }, { detach: true }));
      for await (const chunk of backend.readLogs(handle, { follow: true }))
        if (chunk.text.includes('started')) break;
      expect(await hostProcesses()).toContain(`${marker}-grandchild`);
      const state = await backend.cancelRun(handle);
      expect(state.status).toBe('cancelled');
      const after = await hostProcesses();
      expect(after).not.toContain(marker);
      expect(after).not.toContain('spawner.py');
    } finally {
      await backend.close?.();
    }
  });
});
