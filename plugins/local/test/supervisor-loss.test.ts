import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalBackend } from '../src/index';
import { createTemporaryRoot, writeProgram } from './helpers';

describe('a run whose supervising process is killed', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary.remove());

  test('is reported failed with the reason once its program is gone, never left running', async () => {
    const program = await writeProgram(
      temporary.root,
      'short.py',
      'import time\nprint("started", flush=True)\ntime.sleep(1)\n',
    );
    // An attached run supervised by a process that is then SIGKILLed, as when a terminal is closed hard.
    const script = `
      import { createLocalBackend } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const backend = createLocalBackend({}, ${JSON.stringify({ stateDirectory: temporary.state, cacheDirectory: temporary.cache })});
      const handle = await backend.startRun({ runId: 'orphan', program: { kind: 'script', path: ${JSON.stringify(program)} },
        runtime: {}, runtimeHash: 'none', environment: {}, resources: {}, detach: false, labels: {} });
      process.stdout.write(JSON.stringify(handle) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const handle = await new Promise<string>((resolve) =>
      child.stdout.once('data', (data: Buffer) => resolve(data.toString())),
    );
    child.kill('SIGKILL');
    const backend = createLocalBackend(
      {},
      { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
    );
    const state = await backend.waitForRun(JSON.parse(handle));
    expect(state.status).toBe('failed');
    expect(state.reason).toBe(
      'The process supervising this run ended before the program did, so its exit code is unknown.',
    );
    let output = '';
    for await (const chunk of backend.readLogs(JSON.parse(handle))) output += chunk.text;
    expect(output).toBe('started\n');
  }, 20_000);
});
