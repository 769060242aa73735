import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { runRequest } from './run-request';
import { hostSettings, onHost } from './testbed-hosts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-ssh-files-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A command on the python host through OpenSSH's own client. */
const onPython = (command: string) => onHost('python', command);

describe("a host's file cache", () => {
  test('a file already on the host (same content hash) is not sent again; a program changing its copy leaves the cache alone', async () => {
    const data = path.join(root, 'data.txt');
    const content = `dataset ${Date.now()}\n`;
    await writeFile(data, content);
    const hash = createHash('sha256').update(content).digest('hex');
    const script = path.join(root, 'read.sh');
    await writeFile(script, 'cat data.txt\necho changed >> data.txt\n');
    const backend = createSshBackend(hostSettings('python'), {
      stateDirectory: path.join(root, 'state'),
      cacheDirectory: path.join(root, 'cache'),
    });
    const output = async () => {
      const handle = await backend.startRun(
        runRequest({ kind: 'script', path: script }, { runtime: { files: [{ src: data }] } }),
      );
      let text = '';
      for await (const chunk of backend.readLogs(handle, { follow: true })) text += chunk.text;
      return text;
    };
    try {
      expect(await output()).toBe(content);
      expect(await onPython(`cat .icl/files/${hash}`)).toBe(content);
      // Proof that the second run takes the host's copy: mark it there, and the run sees the mark.
      await onPython(`printf 'cached copy\\n' > .icl/files/${hash}`);
      expect(await output()).toBe('cached copy\n');
    } finally {
      await onPython(`rm -f .icl/files/${hash}`);
      await backend.close?.();
    }
  });
});

describe('pruning the file cache', () => {
  test('files no run used for fileCacheDays go at the next run (once a day); a recently used one stays', async () => {
    const script = path.join(root, 'noop.sh');
    await writeFile(script, 'echo ran\n');
    const backend = createSshBackend(hostSettings('python', { fileCacheDays: 3 }), {
      stateDirectory: path.join(root, 'state'),
      cacheDirectory: path.join(root, 'cache'),
    });
    const stale = `${'a'.repeat(63)}0`;
    const recent = `${'a'.repeat(63)}1`;
    const run = async () => {
      const handle = await backend.startRun(runRequest({ kind: 'script', path: script }));
      expect((await backend.waitForRun(handle)).status).toBe('succeeded');
    };
    try {
      await onPython(
        `mkdir -p .icl/files && touch -d '5 days ago' .icl/files/${stale} && touch -d '2 days ago' .icl/files/${recent} && rm -f .icl/files/.pruned-*`,
      );
      await run();
      expect(await onPython(`ls .icl/files | grep '^a\\{63\\}' || true`)).toBe(`${recent}\n`);
      // Pruned today already: a file turning stale now waits for tomorrow's pruning.
      await onPython(`touch -d '5 days ago' .icl/files/${recent}`);
      await run();
      expect(await onPython(`ls .icl/files | grep '^a\\{63\\}' || true`)).toBe(`${recent}\n`);
    } finally {
      await onPython(`rm -f .icl/files/${stale} .icl/files/${recent}`);
      await backend.close?.();
    }
  });
});
