import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { freePort } from '../../../tooling/testbed/free-port.mjs';
import { expectedTotalCost, sampleSetBody } from './helpers';

/** The built command the tests run, as users do. */
const mainPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(mainPath))
  throw new Error(
    `Build the server first (pnpm --filter @icl/optimizer-server build): ${mainPath} is missing.`,
  );

interface Started {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(args: string[], environment: NodeJS.ProcessEnv = {}): Started & { stdout: () => string } {
  const env = { ...process.env, ...environment };
  if (!('INFERNO_HOST' in environment)) delete env.INFERNO_HOST;
  if (!('INFERNO_PORT' in environment)) delete env.INFERNO_PORT;
  const child = spawn(process.execPath, [mainPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits until `read()` matches, or fails naming what was seen. */
async function waitFor(read: () => string, pattern: RegExp, what: string): Promise<RegExpMatchArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = read().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`${what} did not appear; output so far: ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function startServing(args: string[] = ['--port', '0'], environment: NodeJS.ProcessEnv = {}) {
  const started = start(args, environment);
  const [line] = await waitFor(started.stdout, /^\{.*\}\n/, 'the {"url": …} line');
  return { ...started, url: (JSON.parse(line) as { url: string }).url };
}

describe('icl-optimizer-server', () => {
  test('--help prints the usage and exits 0', async () => {
    const run = start(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('Usage: icl-optimizer-server');
    expect(run.stdout()).toContain('INFERNO_PORT');
  });

  test('a wrong port is refused with exit code 2 before anything listens', async () => {
    const run = start(['--port', 'eighty']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('the port must be a whole number from 0 to 65535, not "eighty"');
  });

  test('listens on 127.0.0.1 by default and says where; INFERNO_PORT picks the port as for Inferno', async () => {
    const port = await freePort();
    const server = await startServing([], { INFERNO_PORT: String(port) });
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ ok: true });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  test('a port in use is exit code 1 with a message that says what to do', async () => {
    const first = await startServing();
    const second = start(['--port', new URL(first.url).port]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain('cannot listen');
    expect(second.stderr()).toContain('--port');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  test('SIGTERM: no new connection is accepted, the request in flight is answered, then it exits 0', async () => {
    const server = await startServing();
    const body = JSON.stringify(sampleSetBody('large'));
    // `Expect: 100-continue` makes the server say when it has the request, before the body is sent.
    const pending = request(`${server.url}/optimizeOne`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
      },
    });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      pending.once('response', (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        response.once('end', () => resolve({ status: response.statusCode!, text }));
      });
      pending.once('error', reject);
    });
    await new Promise<void>((resolve) => pending.once('continue', () => resolve()));

    server.child.kill('SIGTERM');
    await waitFor(server.stderr, /SIGTERM: stopping after 1 request\(s\) in flight/, 'the stopping line');
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();

    pending.end(body);
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text).totalCost).toBe(expectedTotalCost('large'));
    expect(await server.exited).toBe(0);
  });
});
