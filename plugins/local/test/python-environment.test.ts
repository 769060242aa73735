import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ProgressEventV1, RuntimeBuildError, UnsupportedCapabilityError } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalBackend } from '../src/index';
import { createTemporaryRoot, runRequest, writeProgram } from './helpers';

describe('Python runtimes with pip packages', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary.remove());

  test('builds the venv once with progress, then reuses it without reinstalling', async () => {
    const backend = createLocalBackend(
      {},
      { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
    );
    const file = await writeProgram(
      temporary.root,
      'table.py',
      'import tabulate, sys\nprint(tabulate.tabulate([[1, 2]], headers=["a", "b"]))\nprint(sys.prefix)\n',
    );
    const runtime = { dependencies: { pip: ['tabulate==0.9.0'] } };

    const firstEvents: ProgressEventV1[] = [];
    const first = await backend.startRun(runRequest({ kind: 'script', path: file }, { runtime }), {
      onProgress: (event) => firstEvents.push(event),
    });
    expect((await backend.waitForRun(first)).status).toBe('succeeded');
    expect(firstEvents.some((event) => event.message.includes('Installing tabulate==0.9.0'))).toBe(true);
    expect(firstEvents.at(-1)).toMatchObject({ done: true, reused: false });

    const secondEvents: ProgressEventV1[] = [];
    const second = await backend.startRun(runRequest({ kind: 'script', path: file }, { runtime }), {
      onProgress: (event) => secondEvents.push(event),
    });
    expect((await backend.waitForRun(second)).status).toBe('succeeded');
    expect(secondEvents).toEqual([expect.objectContaining({ done: true, reused: true })]);

    let output = '';
    for await (const chunk of backend.readLogs(second)) output += chunk.text;
    expect(output).toContain('a    b');
    // The program ran inside the cached venv, not the system Python.
    expect(output).toContain(path.join(temporary.cache, 'python'));
  }, 180_000);

  test('a package that does not exist fails the start with the pip error, and leaves no run behind', async () => {
    const backend = createLocalBackend(
      {},
      { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
    );
    const file = await writeProgram(temporary.root, 'nothing.py', 'print(1)\n');
    const request = runRequest(
      { kind: 'script', path: file },
      {
        runtime: { dependencies: { pip: ['icl-package-that-does-not-exist-4711'] } },
      },
    );
    const error = await backend.startRun(request).catch((caught: unknown) => caught);
    expect(RuntimeBuildError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('icl-package-that-does-not-exist-4711');
    await expect(fs.access(path.join(temporary.state, 'runs', request.runId))).rejects.toThrow();
    const cached = await fs.readdir(path.join(temporary.cache, 'python'));
    expect(cached).not.toContain(request.runtimeHash);
  }, 180_000);
});

describe('runtimes with an image', () => {
  test('are refused before anything starts, naming the image and where images run', async () => {
    const temporary = await createTemporaryRoot();
    try {
      const backend = createLocalBackend(
        {},
        { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
      );
      const file = await writeProgram(temporary.root, 'never.py', 'open("ran", "w").write("x")\n');
      const error = (await backend
        .startRun(runRequest({ kind: 'script', path: file }, { runtime: { image: 'python:3.12' } }))
        .catch((thrown: unknown) => thrown)) as UnsupportedCapabilityError;
      expect(error).toBeInstanceOf(UnsupportedCapabilityError);
      expect(error.message).toBe(
        "The local backend runs programs with this machine's own interpreters; it does not run the image python:3.12.",
      );
      expect(error.hint).toContain('--on docker');
    } finally {
      await temporary.remove();
    }
  });
});
