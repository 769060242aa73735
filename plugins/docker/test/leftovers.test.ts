import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerBackend } from '../src/index';
import {
  baseImage,
  createTemporaryRoot,
  leftoverContainers,
  requireDaemon,
  runRequest,
  stagedFilesLeft,
  writeProgram,
} from './helpers';

describe('no container is left behind', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let backend: ReturnType<typeof createDockerBackend>;

  beforeAll(async () => {
    await requireDaemon();
    temporary = await createTemporaryRoot();
    backend = createDockerBackend({ baseImage, graceSeconds: 2 }, temporary.context);
  });
  afterAll(async () => {
    await backend?.close?.();
    await temporary?.remove();
  });

  test('after cancel', async () => {
    const program = await writeProgram(
      temporary.root,
      'forever.py',
      'import time\nwhile True: time.sleep(1)\n',
    );
    const request = runRequest({ kind: 'script', path: program }, { detach: true });
    const handle = await backend.startRun(request);
    expect(await leftoverContainers(request.runId), 'the container runs').toHaveLength(1);
    const state = await backend.cancelRun(handle);
    expect(state.status).toBe('cancelled');
    expect(await leftoverContainers(request.runId)).toEqual([]);
    expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
    expect((await backend.getRunState(handle)).status, 'readable after the container is gone').toBe(
      'cancelled',
    );
  });

  test('after a timeout, even for a detached run nobody waits for', async () => {
    const program = await writeProgram(temporary.root, 'sleep.py', 'import time\ntime.sleep(60)\n');
    const request = runRequest(
      { kind: 'script', path: program },
      { detach: true, timeoutMilliseconds: 1000 },
    );
    const handle = await backend.startRun(request);
    // The daemon enforces the timeout: no process of ours watches the run while it sleeps.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const state = await backend.getRunState(handle);
    expect(state.status, state.reason).toBe('timed-out');
    expect(await leftoverContainers(request.runId)).toEqual([]);
    expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
  });

  test('after a program that crashes, with its output kept', async () => {
    const program = await writeProgram(
      temporary.root,
      'crash.py',
      'import sys\nprint("about to crash", flush=True)\nraise RuntimeError("boom")\n',
    );
    const request = runRequest({ kind: 'script', path: program });
    const handle = await backend.startRun(request);
    const state = await backend.waitForRun(handle);
    expect(state).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(await leftoverContainers(request.runId)).toEqual([]);
    expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
    const logs = { stdout: '', stderr: '' };
    for await (const chunk of backend.readLogs(handle)) logs[chunk.stream] += chunk.text;
    expect(logs.stdout).toBe('about to crash\n');
    expect(logs.stderr).toContain('RuntimeError: boom');
  });

  test('keepContainers keeps the finished container', async () => {
    const keeping = createDockerBackend({ baseImage, keepContainers: true }, temporary.context);
    const program = await writeProgram(temporary.root, 'hello.py', 'print("kept")\n');
    const request = runRequest({ kind: 'script', path: program });
    const handle = await keeping.startRun(request);
    expect((await keeping.waitForRun(handle)).status).toBe('succeeded');
    expect(await leftoverContainers(request.runId)).toEqual([`/icl-${request.runId} (exited)`]);
    await keeping.close?.();
    const { docker } = await import('./helpers');
    await docker.getContainer(`icl-${request.runId}`).remove({ force: true });
  });

  test('closing the backend leaves a running attached run to the daemon; the next look records its end', async () => {
    const starter = createDockerBackend({ baseImage }, temporary.context);
    const program = await writeProgram(
      temporary.root,
      'slow.py',
      'import time\nprint("before", flush=True)\ntime.sleep(2)\nprint("after", flush=True)\n',
    );
    const request = runRequest({ kind: 'script', path: program });
    const handle = await starter.startRun(request);
    await starter.close?.();
    const later = createDockerBackend({ baseImage }, temporary.context);
    const state = await later.waitForRun(handle);
    expect(state.status, state.reason).toBe('succeeded');
    let stdout = '';
    for await (const chunk of later.readLogs(handle)) stdout += chunk.text;
    expect(stdout).toBe('before\nafter\n');
    expect(await leftoverContainers(request.runId)).toEqual([]);
    expect(await stagedFilesLeft(handle), 'staged files left').toBe(false);
  });
});
