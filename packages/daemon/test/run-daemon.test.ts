import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';

const daemon = new URL('../dist/index.js', import.meta.url).href;
const core = import.meta.resolve('@icl/core');

/** Runs a script that calls runDaemon with `body` as main; resolves with its output and exit code. */
function runScript(body: string, signal?: NodeJS.Signals) {
  const script = `
    import { runDaemon } from ${JSON.stringify(daemon)};
    import { InvalidArgumentError } from ${JSON.stringify(core)};
    runDaemon('icl-test', async () => { ${body} });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    if (signal && !signalled && stdout.includes('listening')) {
      signalled = true;
      child.kill(signal);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) =>
    child.once('exit', (code) => resolve({ stdout, stderr, code })),
  );
}

describe('runDaemon', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('%s closes the server, then exits 0', async (signal) => {
    const result = await runScript(
      // Announced once main has returned, as a server does once it listens.
      `setTimeout(() => console.log('listening'));
       return { close: async () => { console.log('closed'); } };`,
      signal,
    );
    expect(result).toEqual({ stdout: 'listening\nclosed\n', stderr: '', code: 0 });
  });

  test('a server that fails to close exits 1', async () => {
    const result = await runScript(
      `setTimeout(() => console.log('listening'));
       return { close: async () => { throw new Error('stuck'); } };`,
      'SIGTERM',
    );
    expect(result.code).toBe(1);
  });

  test('an exit code from main is the exit code, and nothing keeps the process', async () => {
    expect(await runScript('console.log("usage"); return 3;')).toEqual({
      stdout: 'usage\n',
      stderr: '',
      code: 3,
    });
  });

  test('an ICL error is its message and hint, exit 2; anything else its stack, exit 1', async () => {
    const mistake = await runScript(
      `throw new InvalidArgumentError({ argument: 'port', message: 'The port is not a number.', hint: 'Give --port 8420.' });`,
    );
    expect(mistake).toEqual({
      stdout: '',
      stderr: 'icl-test: The port is not a number.\n  Give --port 8420.\n',
      code: 2,
    });
    const bug = await runScript(`throw new TypeError('undefined is not a function');`);
    expect(bug.code).toBe(1);
    expect(bug.stderr).toMatch(/^icl-test: TypeError: undefined is not a function\n {4}at /);
  });
});
