import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunFailedError } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { createIcl, type IclOptions } from '../src/icl-client';
import { program } from '../src/program';
import { temporaryDirectory } from './temporary-directory';

/** A client on the real built-in local backend, isolated in a temporary directory. */
async function setup() {
  const root = await temporaryDirectory();
  const options: IclOptions = {
    stateDirectory: join(root, 'state'),
    cacheDirectory: join(root, 'cache'),
    configFile: join(root, 'config.yaml'),
    environment: {},
    workingDirectory: root,
  };
  const write = (name: string, text: string) => writeFile(join(root, name), text);
  return { options, write, icl: createIcl(options) };
}

describe('runs on the built-in local backend', () => {
  test('a script with arguments: output, exit code and record', async () => {
    const { icl, write } = await setup();
    await write(
      'hello.py',
      'import sys\nprint("hello", *sys.argv[1:])\nprint("to stderr", file=sys.stderr)\n',
    );
    const run = await icl.run(program('hello.py'), { parameters: ['--name', 'ada'] });
    const state = await run.state();
    expect(state).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(await run.logs()).toEqual({ stdout: 'hello --name ada\n', stderr: 'to stderr\n' });
    expect(await run.result()).toBeNull();
    const [record] = await icl.listRuns();
    expect(record).toMatchObject({
      id: run.id,
      backend: 'local',
      description: 'hello.py --name ada',
      state: { status: 'succeeded' },
    });
    await icl.close();
  });

  test('a failing script reports its exit code; result() throws', async () => {
    const { icl, write } = await setup();
    await write('fail.py', 'import sys\nprint("about to fail")\nsys.exit(3)\n');
    const run = await icl.run(program('fail.py'));
    expect(await run.state()).toMatchObject({ status: 'failed', exitCode: 3 });
    const error = await run.result().catch((caught: unknown) => caught);
    expect(RunFailedError.isInstance(error)).toBe(true);
    expect((error as RunFailedError).exitCode).toBe(3);
    await icl.close();
  });

  test('a function with parameters returns its result', async () => {
    const { icl, write } = await setup();
    await write(
      'train.py',
      'def train(epochs, lr=0.1):\n    print("training", epochs)\n    return {"epochs": epochs, "loss": lr / epochs}\n',
    );
    const run = await icl.run(program('train.py', { function: 'train' }), {
      parameters: { epochs: 4, lr: 0.2 },
    });
    expect(await run.result()).toEqual({ epochs: 4, loss: 0.05 });
    expect((await run.logs()).stdout).toBe('training 4\n');
    await icl.close();
  });

  test('a detached run is followed to the end from a new client', async () => {
    const { icl, options, write } = await setup();
    await write(
      'slow.py',
      'import time\nfor i in range(3):\n    print("tick", i, flush=True)\n    time.sleep(0.2)\n',
    );
    const run = await icl.run(program('slow.py'), { detach: true });
    expect(['pending', 'running']).toContain(await run.status());
    await icl.close();

    const later = createIcl(options);
    const found = await later.getRun(run.id.slice(0, 11));
    let output = '';
    for await (const chunk of found.streamLogs({ follow: true })) output += chunk.text;
    expect(output).toBe('tick 0\ntick 1\ntick 2\n');
    expect(await found.wait()).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect((await later.listRuns())[0]?.state.status).toBe('succeeded');
    await later.close();
  });
});
