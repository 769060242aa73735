import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolvePythonInterpreter } from '../src/python-interpreter';
import { createTemporaryRoot } from './helpers';

describe('the Python interpreter behind a version manager shim', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let shims: string;
  let project: string;
  let invocations: string;
  const originalPath = process.env.PATH;
  const originalDirectory = process.cwd();

  beforeAll(async () => {
    temporary = await createTemporaryRoot();
    shims = path.join(temporary.root, 'shims');
    project = path.join(temporary.root, 'project');
    invocations = path.join(temporary.root, 'invocations.log');
    await fs.mkdir(shims);
    await fs.mkdir(project);
    // Like pyenv's shim: a shell script that picks the interpreter from .python-version in the
    // current directory. Here "3.99" selects a stand-in interpreter, anything else the real one.
    const real = (await import('node:child_process'))
      .execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' })
      .trim();
    const standIn = path.join(temporary.root, 'python3.99');
    await fs.symlink(real, standIn);
    await fs.writeFile(
      path.join(shims, 'python3'),
      `#!/bin/sh\necho "$PWD" >> ${invocations}\nif [ "$(cat .python-version 2>/dev/null)" = "3.99" ]; then exec ${standIn} "$@"; fi\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    process.env.PATH = `${shims}${path.delimiter}${originalPath}`;
    process.chdir(project);
  });

  afterAll(async () => {
    process.chdir(originalDirectory);
    process.env.PATH = originalPath;
    await temporary.remove();
  });

  const shimCalls = async () =>
    (await fs.readFile(invocations, 'utf8').catch(() => '')).split('\n').filter(Boolean);

  test('is asked once in the caller directory, then cached until a version file changes', async () => {
    const first = await resolvePythonInterpreter('python3', temporary.cache);
    expect(path.basename(first)).toMatch(/^python3/);
    expect(first).not.toBe(path.join(shims, 'python3'));
    expect(await shimCalls()).toEqual([project]);

    expect(await resolvePythonInterpreter('python3', temporary.cache)).toBe(first);
    expect(await shimCalls()).toHaveLength(1);

    await fs.writeFile(path.join(project, '.python-version'), '3.99\n');
    const selected = await resolvePythonInterpreter('python3', temporary.cache);
    expect(selected).toBe(path.join(temporary.root, 'python3.99'));
    expect(await shimCalls()).toHaveLength(2);
  });

  test('a command that is not on the PATH is reported with how to install Python', async () => {
    await expect(resolvePythonInterpreter('python3.0-not-installed', temporary.cache)).rejects.toThrowError(
      /python3\.0-not-installed was not found on the PATH/,
    );
  });
});
