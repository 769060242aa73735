import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSandbox, eventually } from './icl-process';

/** Every file under a folder, with its content. */
async function filesUnder(directory: string): Promise<Array<{ path: string; content: Buffer }>> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return { path, content: await readFile(path) };
      }),
  );
}

describe('secrets', () => {
  test('an environment variable given with --env reaches the program but is never written to the state directory', async () => {
    const sandbox = await createSandbox();
    const secret = 'icl-secret-value-4f7d1c9a';
    await writeFile(
      join(sandbox.work, 'uses-token.py'),
      'import os\nprint("token length", len(os.environ["API_TOKEN"]))\n',
    );
    const attached = await sandbox.icl(['run', 'uses-token.py', '--env', `API_TOKEN=${secret}`]);
    expect(attached).toEqual({ stdout: `token length ${secret.length}\n`, stderr: '', exitCode: 0 });

    const detached = await sandbox.icl(['run', 'uses-token.py', '--detach', '--env', `API_TOKEN=${secret}`]);
    const id = detached.stdout.trim();
    const status = await eventually(async () => {
      const current = JSON.parse((await sandbox.icl(['status', id, '--json'])).stdout).status;
      return current === 'pending' || current === 'running' ? undefined : current;
    });
    expect(status).toBe('succeeded');

    const files = await filesUnder(sandbox.stateDirectory);
    expect(files.length).toBeGreaterThan(4);
    expect(files.filter((file) => file.content.includes(secret)).map((file) => file.path)).toEqual([]);
  });
});
