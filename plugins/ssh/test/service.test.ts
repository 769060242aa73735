import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { runRequest } from './run-request';
import { hostSettings } from './testbed-hosts';

function get(url: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 3000, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
    });
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-ssh-service-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function backend() {
  return createSshBackend(hostSettings('python'), {
    stateDirectory: path.join(root, 'state'),
    cacheDirectory: path.join(root, 'cache'),
  });
}

describe('services on an SSH host', () => {
  test('a port on the host answers on 127.0.0.1 here, after the process that started it is gone, until cancelled', async () => {
    const port = 18_000 + Math.floor(Math.random() * 1000);
    const request = runRequest({
      kind: 'command',
      command: ['python3', '-m', 'http.server', String(port), '--bind', '127.0.0.1'],
      service: { ports: [port] },
    });
    const first = backend();
    const handle = await first.startRun(request);
    const state = await first.getRunState(handle);
    expect(state.status).toBe('running');
    const endpoint = state.endpoints![0]!;
    expect(endpoint.port).toBe(port);
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await first.close?.();
    // The forwarding outlives the process that started the service (icl run --service exits).
    expect(await get(`${endpoint.url}/`)).toEqual({ status: 200 });

    const second = backend();
    try {
      expect((await second.cancelRun(handle)).status).toBe('cancelled');
      expect(await get(`${endpoint.url}/`)).toHaveProperty('error');
    } finally {
      await second.close?.();
    }
  });
});
