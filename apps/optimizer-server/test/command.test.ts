import { request } from 'node:http';
import { describe, expect, test } from 'vitest';
import { freePort } from '../../../tooling/testbed/free-port.mjs';
import { expectedTotalCost, sampleSetBody } from './helpers';
import { start, startServing, waitFor } from './server-process';

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
