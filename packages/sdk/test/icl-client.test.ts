import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  InvalidArgumentError,
  RunFailedError,
  RunTimeoutError,
  UnknownBackendError,
  UnknownInfrastructureError,
  UnsupportedCapabilityError,
} from '@icl/core';
import { describe, expect, test } from 'vitest';
import { createIcl, type IclOptions } from '../src/icl-client';
import { infrastructure } from '../src/infrastructure';
import { program } from '../src/program';
import { runtime } from '../src/runtime';
import { createStubBackend, type StubBackend, stubRegistry } from './stub-backend';
import { temporaryDirectory } from './temporary-directory';

async function setup(backend: StubBackend = createStubBackend(), settingsText?: string) {
  const root = await temporaryDirectory();
  const work = join(root, 'work');
  await mkdir(work);
  await writeFile(join(work, 'hello.py'), 'print("hello")\n');
  await writeFile(join(work, 'data.csv'), 'a,b\n');
  const configFile = join(root, 'config.yaml');
  if (settingsText !== undefined) await writeFile(configFile, settingsText);
  const options: IclOptions = {
    registry: stubRegistry(backend),
    stateDirectory: join(root, 'state'),
    cacheDirectory: join(root, 'cache'),
    configFile,
    environment: {},
    workingDirectory: work,
  };
  const runsDirectory = join(root, 'state', 'runs');
  const recordFiles = () => readdir(runsDirectory).catch(() => [] as string[]);
  return { icl: createIcl(options), options, backend, work, runsDirectory, recordFiles };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

describe('run() validates everything before recording anything', () => {
  test('a missing program file', async () => {
    const { icl, recordFiles, work } = await setup();
    const error = await rejection(icl.run(program('nope.py')));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error.message).toBe('File not found: nope.py.');
    expect((error as InvalidArgumentError).hint).toContain(work);
    expect(await recordFiles()).toEqual([]);
  });

  test('a missing runtime file', async () => {
    const { icl, recordFiles } = await setup();
    const error = await rejection(
      icl.run(program('hello.py'), { runtime: runtime({ files: ['missing/'] }) }),
    );
    expect(error.message).toBe('File not found: missing/.');
    expect((error as InvalidArgumentError).argument).toBe('runtime.files[0].src');
    expect(await recordFiles()).toEqual([]);
  });

  test('keyword parameters for a script, and a list for a function', async () => {
    const { icl, recordFiles } = await setup();
    const forScript = await rejection(icl.run(program('hello.py'), { parameters: { epochs: 3 } }));
    expect(forScript.message).toContain('can only be passed to a function program');
    const forFunction = await rejection(
      icl.run(program('hello.py', { function: 'main' }), { parameters: ['--x'] }),
    );
    expect(forFunction.message).toBe('Function main takes keyword parameters (an object), not a list.');
    expect(await recordFiles()).toEqual([]);
  });

  test('a malformed timeout or GPU request', async () => {
    const { icl, recordFiles } = await setup();
    const timeout = await rejection(icl.run(program('hello.py'), { timeout: 'soon' }));
    expect(timeout.message).toBe('Invalid duration for timeout: "soon".');
    const gpus = await rejection(icl.run(program('hello.py'), { gpus: 'H100:x' }));
    expect(gpus.message).toBe('Invalid GPU request for gpus: "H100:x".');
    expect((gpus as InvalidArgumentError).hint).toContain('H100:8');
    expect(await recordFiles()).toEqual([]);
  });

  test('an unknown infrastructure or backend', async () => {
    const { icl, recordFiles } = await setup(
      createStubBackend(),
      'infrastructures:\n  lab:\n    backend: nosuch\n',
    );
    const unknownInfrastructure = await rejection(
      icl.run(program('hello.py'), { infrastructure: 'nowhere' }),
    );
    expect(UnknownInfrastructureError.isInstance(unknownInfrastructure)).toBe(true);
    expect(unknownInfrastructure.message).toBe(
      'Unknown infrastructure "nowhere". Defined infrastructures: lab, local.',
    );
    const unknownBackend = await rejection(icl.run(program('hello.py'), { infrastructure: 'lab' }));
    expect(UnknownBackendError.isInstance(unknownBackend)).toBe(true);
    expect(unknownBackend.message).toBe('Unknown backend "nosuch". Installed backends: local, stub.');
    expect(await recordFiles()).toEqual([]);
  });

  test('capabilities the backend lacks', async () => {
    const backend = createStubBackend({ gpus: false, pythonFunctions: false, files: false, detach: false });
    const { icl, recordFiles } = await setup(backend);
    // Each refusal is caught as soon as it is made: the runs are refused concurrently.
    const cases: Array<[Promise<unknown>, string]> = [
      [rejection(icl.run(program('hello.py'), { gpus: 2 })), 'gpus'],
      [rejection(icl.run(program('hello.py', { resources: { gpu: 'A100' } }))), 'gpus'],
      [rejection(icl.run(program('hello.py', { function: 'main' }))), 'pythonFunctions'],
      [rejection(icl.run(program('hello.py'), { runtime: runtime({ files: ['data.csv'] }) })), 'files'],
      [rejection(icl.run(program('hello.py'), { detach: true })), 'detach'],
    ];
    for (const [refused, capability] of cases) {
      const error = await refused;
      expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
      expect((error as UnsupportedCapabilityError).capability).toBe(capability);
    }
    expect(await recordFiles()).toEqual([]);
    expect(backend.requests).toEqual([]);
    // Asking for no GPUs is not a GPU request.
    await icl.run(program('hello.py'), { gpus: 0 });
    expect(backend.requests[0]?.resources.gpu).toBeUndefined();
  });
});

describe('run()', () => {
  test('records the run, builds the request and waits for the end', async () => {
    const { icl, backend, work, runsDirectory } = await setup();
    const run = await icl.run(program('hello.py'), {
      parameters: ['--name', 'x y'],
      runtime: runtime({
        environment: { A: '1', B: 'runtime' },
        files: [{ src: 'data.csv', dst: 'input.csv' }],
      }),
      environment: { B: 'run' },
      timeout: '30s',
    });
    expect(await run.status()).toBe('succeeded');
    const [request] = backend.requests;
    expect(request?.program).toEqual({
      kind: 'script',
      path: join(work, 'hello.py'),
      arguments: ['--name', 'x y'],
    });
    expect(request?.runtime.files).toEqual([{ src: join(work, 'data.csv'), dst: 'input.csv' }]);
    expect(request?.environment).toEqual({ A: '1', B: 'run' });
    expect(request?.timeoutMilliseconds).toBe(30_000);
    expect(request?.detach).toBe(false);
    expect(request?.labels).toMatchObject({
      'icl.dev/run-id': run.id,
      'icl.dev/runtime-hash': request?.runtimeHash,
    });
    const record = JSON.parse(await readFile(join(runsDirectory, `${run.id}.json`), 'utf8'));
    expect(record).toMatchObject({
      id: run.id,
      infrastructure: 'local',
      backend: 'stub',
      description: "hello.py --name 'x y'",
      timeoutMilliseconds: 30_000,
      handle: { runId: run.id, data: { memory: run.id } },
      state: { status: 'succeeded', exitCode: 0 },
    });
  });

  test('a failed run does not throw from run(); result() throws RunFailedError', async () => {
    const backend = createStubBackend();
    backend.finalState = { status: 'failed', exitCode: 3 };
    const { icl } = await setup(backend);
    const run = await icl.run(program('hello.py'));
    expect((await run.state()).exitCode).toBe(3);
    const error = await rejection(run.result());
    expect(RunFailedError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`Run ${run.id} failed with exit code 3.`);
  });

  test('result() of a timed-out run throws RunTimeoutError', async () => {
    const backend = createStubBackend();
    backend.finalState = { status: 'timed-out' };
    const { icl } = await setup(backend);
    const run = await icl.run(program('hello.py'), { timeout: 1 });
    expect(RunTimeoutError.isInstance(await rejection(run.result()))).toBe(true);
  });

  test('a function program returns its result', async () => {
    const backend = createStubBackend();
    backend.finalState = { status: 'succeeded', exitCode: 0, result: { loss: 0.5 } };
    const { icl } = await setup(backend);
    const run = await icl.run(program('hello.py', { function: 'train', parameters: { lr: 0.1 } }), {
      parameters: { epochs: 3 },
    });
    expect(backend.requests[0]?.program).toMatchObject({
      kind: 'function',
      function: 'train',
      parameters: { lr: 0.1, epochs: 3 },
    });
    expect(await run.result()).toEqual({ loss: 0.5 });
  });

  test('when the backend cannot start the run, the record says why and the error is rethrown', async () => {
    const backend = createStubBackend();
    backend.startError = new Error('python3 is not installed');
    const { icl, options } = await setup(backend);
    await expect(icl.run(program('hello.py'))).rejects.toThrow('python3 is not installed');
    const [record] = await icl.listRuns();
    expect(record?.state).toMatchObject({ status: 'failed', reason: 'python3 is not installed' });
    expect(record?.handle).toBeUndefined();
    const again = await createIcl(options).getRun(record!.id);
    expect(await again.state()).toMatchObject({ status: 'failed', reason: 'python3 is not installed' });
    expect(await again.logs()).toEqual({ stdout: '', stderr: '' });
  });

  test('detach returns once started; another client re-attaches by id prefix', async () => {
    const backend = createStubBackend();
    const { icl, options } = await setup(backend);
    const run = await icl.run(program('hello.py'), { detach: true });
    expect(backend.calls.waitForRun).toBe(0);
    expect(backend.requests[0]?.detach).toBe(true);
    const other = createIcl(options);
    const found = await other.getRun(run.id.slice(0, 10));
    expect(found.id).toBe(run.id);
    expect(await found.status()).toBe('running');
    expect(await found.logs()).toEqual({ stdout: `output of ${run.id}\n`, stderr: 'a warning\n' });
    expect((await found.wait()).status).toBe('succeeded');
    // Once ended, the state comes from the store without asking the backend.
    const calls = backend.calls.getRunState;
    expect(await (await createIcl(options).getRun(run.id)).status()).toBe('succeeded');
    expect(backend.calls.getRunState).toBe(calls);
  });

  test('cancel() stores the final state; cancelling again changes nothing', async () => {
    const backend = createStubBackend();
    const { icl } = await setup(backend);
    const run = await icl.start(program('hello.py'));
    expect((await run.cancel()).status).toBe('cancelled');
    expect((await run.cancel()).status).toBe('cancelled');
    expect(backend.calls.cancelRun).toBe(1);
    expect((await icl.listRuns())[0]?.state.status).toBe('cancelled');
  });

  test('a timeout is enforced by the SDK for a backend that cannot', async () => {
    const backend = createStubBackend({ timeout: false });
    backend.waitForRun = (_handle, options) =>
      new Promise((_resolve, reject) =>
        options?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const { icl } = await setup(backend);
    const run = await icl.run(program('hello.py'), { timeout: '200ms' });
    const state = await run.state();
    expect(state.status).toBe('timed-out');
    expect(backend.calls.cancelRun).toBe(1);
  });

  test('infrastructure(...) in code, inventory and the list of infrastructures', async () => {
    const { icl, backend } = await setup(
      createStubBackend(),
      'defaultInfrastructure: lab\ninfrastructures:\n  lab:\n    backend: stub\n',
    );
    const run = await icl.run(program('hello.py'), {
      infrastructure: infrastructure({ name: 'mine', backend: 'stub' }),
    });
    expect(run.infrastructure).toBe('mine');
    expect((await icl.inventory('lab')).nodes[0]?.name).toBe('stub-node');
    expect(await icl.infrastructures()).toEqual([
      { name: 'lab', backend: 'stub', settings: {}, isDefault: true },
      { name: 'local', backend: 'local', settings: {}, isDefault: false },
    ]);
    expect(backend.requests).toHaveLength(1);
  });
});
