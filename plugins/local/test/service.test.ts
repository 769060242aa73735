import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../../tooling/testbed/free-port.mjs';
import { createLocalBackend } from '../src/index';
import { createTemporaryRoot, runRequest } from './helpers';

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('services on the local machine', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary.remove());
  const backend = () =>
    createLocalBackend(
      { graceMilliseconds: 1000 },
      { stateDirectory: temporary.state, cacheDirectory: temporary.cache },
    );

  test('starts once the service answers, reports its URL, and cancel stops it', async () => {
    const port = await freePort();
    const local = backend();
    const handle = await local.startRun(
      runRequest(
        {
          kind: 'command',
          command: [
            'python3',
            '-c',
            `import time; time.sleep(0.5); import runpy, sys; sys.argv = ['http.server', '${port}', '--bind', '127.0.0.1']; runpy.run_module('http.server', run_name='__main__')`,
          ],
          service: { ports: [port], readiness: { path: '/' } },
        },
        { detach: true },
      ),
    );
    const state = await local.getRunState(handle);
    expect(state.status).toBe('running');
    expect(state.endpoints).toEqual([{ port, url: `http://127.0.0.1:${port}` }]);
    const answer = await fetchText(`http://127.0.0.1:${port}/`);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Directory listing');

    expect((await local.cancelRun(handle)).status).toBe('cancelled');
    await expect(fetchText(`http://127.0.0.1:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
    expect((await local.getRunState(handle)).endpoints).toBeUndefined();
  }, 30_000);

  test('a service that never answers is stopped and reported failed with the reason', async () => {
    const port = await freePort();
    const local = backend();
    const handle = await local.startRun(
      runRequest(
        {
          kind: 'command',
          command: ['sleep', '60'],
          service: { ports: [port], readiness: { timeoutMilliseconds: 1000 } },
        },
        { detach: true },
      ),
    );
    const state = await local.waitForRun(handle);
    expect(state.status).toBe('failed');
    expect(state.reason).toBe(
      `The service did not answer on port ${port} within 1000 ms, so it was stopped.`,
    );
  }, 30_000);

  test('a service that exits before answering is reported failed', async () => {
    const port = await freePort();
    const local = backend();
    const handle = await local.startRun(
      runRequest(
        { kind: 'command', command: ['sh', '-c', 'echo broken >&2; exit 4'], service: { ports: [port] } },
        { detach: true },
      ),
    );
    const state = await local.getRunState(handle);
    expect(state.status).toBe('failed');
    expect(state.exitCode).toBe(4);
  }, 30_000);
});
