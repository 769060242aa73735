import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { FramedOutputParser } from '../src/framed-output-parser';
import { createOutputMarker, outputWrapperSource } from '../src/output-wrapper';

/** Runs a program through the output wrapper with this machine's python3, as the pod's container does. */
function runWrapped(
  argv: string[],
  resultFile = '',
): Promise<{ output: Buffer; exitCode: number | null; marker: string }> {
  const marker = createOutputMarker();
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', outputWrapperSource, marker, resultFile, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const parts: Buffer[] = [];
    child.stdout.on('data', (bytes: Buffer) => parts.push(bytes));
    child.stderr.on('data', (bytes: Buffer) =>
      reject(new Error(`the wrapper wrote to its stderr: ${bytes}`)),
    );
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ output: Buffer.concat(parts), exitCode, marker }));
  });
}

/** Takes the container output apart, fed in chunks of `chunkSize` bytes as a log stream would. */
function takeApart(output: Buffer, marker: string, chunkSize: number) {
  const parser = new FramedOutputParser(marker);
  const streams = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const results: string[] = [];
  const take = (pieces: ReturnType<FramedOutputParser['push']>) => {
    for (const piece of pieces) {
      if ('stream' in piece) streams[piece.stream].push(Buffer.from(piece.bytes));
      else results.push(piece.result.toString('utf8'));
    }
  };
  for (let offset = 0; offset < output.length; offset += chunkSize) {
    take(parser.push(output.subarray(offset, offset + chunkSize)));
  }
  take(parser.end(true));
  return { stdout: Buffer.concat(streams.stdout), stderr: Buffer.concat(streams.stderr), results };
}

const mixedProgram = `
import os, sys
os.write(1, b'out one\\n')
os.write(2, b'err one\\n')
os.write(1, 'h\\xe9llo \\u65e5\\u672c'.encode()[:5])
os.write(2, b'\\xff\\xfe not utf-8\\n')
os.write(1, 'h\\xe9llo \\u65e5\\u672c'.encode()[5:] + b'\\n')
os.write(1, b'\\x1eicl-lookalike stderr 3\\nnot a frame\\n')
os.write(2, b'no newline at the end')
sys.exit(7)
`;

describe('the output wrapper and its parser', () => {
  test('keep stdout and stderr apart, byte for byte, whatever the chunk boundaries', async () => {
    const { output, exitCode, marker } = await runWrapped(['python3', '-c', mixedProgram]);
    expect(exitCode).toBe(7);
    const expectedStdout = Buffer.concat([
      Buffer.from('out one\n'),
      Buffer.from('héllo 日本\n'),
      Buffer.from('\u001eicl-lookalike stderr 3\nnot a frame\n'),
    ]);
    const expectedStderr = Buffer.concat([
      Buffer.from('err one\n'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' not utf-8\nno newline at the end'),
    ]);
    for (const chunkSize of [1, 3, 7, 64, output.length]) {
      const streams = takeApart(output, marker, chunkSize);
      expect(streams.stdout.equals(expectedStdout), `stdout with chunks of ${chunkSize}`).toBe(true);
      expect(streams.stderr.equals(expectedStderr), `stderr with chunks of ${chunkSize}`).toBe(true);
    }
  });

  test('show stdout unchanged to anyone reading the raw container log (kubectl logs)', async () => {
    const { output } = await runWrapped(['python3', '-c', 'print("plain line")']);
    expect(output.toString('utf8')).toBe('plain line\n');
  });

  test('bring back a function result written on success, and only then', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'icl-wrapper-'));
    const resultFile = path.join(directory, 'result.json');
    const writer = `open(${JSON.stringify(resultFile)}, "w").write('{"answer": 42}')`;
    const succeeded = await runWrapped(['python3', '-c', writer], resultFile);
    expect(takeApart(succeeded.output, succeeded.marker, 5).results).toEqual(['{"answer": 42}']);
    const failed = await runWrapped(['python3', '-c', `${writer}; raise SystemExit(2)`], resultFile);
    expect(failed.exitCode).toBe(2);
    expect(takeApart(failed.output, failed.marker, 5).results).toEqual([]);
    await rm(directory, { recursive: true, force: true });
  });

  test('report a program that cannot start on stderr, with exit code 127', async () => {
    const { output, exitCode, marker } = await runWrapped(['/nonexistent/icl-no-such-binary']);
    expect(exitCode).toBe(127);
    const streams = takeApart(output, marker, 10);
    expect(streams.stdout.toString()).toBe('');
    expect(streams.stderr.toString()).toBe(
      'icl: cannot run /nonexistent/icl-no-such-binary: No such file or directory\n',
    );
  });

  test('pass termination signals to the program and exit as it did', async () => {
    const marker = createOutputMarker();
    const child = spawn(
      'python3',
      [
        '-c',
        outputWrapperSource,
        marker,
        '',
        'python3',
        '-c',
        'import time; print("up", flush=True); time.sleep(30)',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const started = Date.now();
    child.kill('SIGTERM');
    const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(exitCode).toBe(128 + 15);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
