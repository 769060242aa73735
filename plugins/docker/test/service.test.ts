import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerBackend } from '../src/index';
import { baseImage, createTemporaryRoot, leftoverContainers, requireDaemon, runRequest } from './helpers';

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

describe('services', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let backend: ReturnType<typeof createDockerBackend>;

  beforeAll(async () => {
    await requireDaemon();
    temporary = await createTemporaryRoot();
    backend = createDockerBackend({ baseImage }, temporary.context);
  });
  afterAll(async () => {
    await backend?.close?.();
    await temporary?.remove();
  });

  test('python3 -m http.server answers on its 127.0.0.1 endpoint until cancelled', async () => {
    const request = runRequest({
      kind: 'command',
      command: ['python3', '-m', 'http.server', '8000'],
      service: { ports: [8000] },
    });
    const handle = await backend.startRun(request);
    const state = await backend.getRunState(handle);
    expect(state.status).toBe('running');
    expect(state.endpoints).toHaveLength(1);
    const endpoint = state.endpoints![0]!;
    expect(endpoint.port).toBe(8000);
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${endpoint.url}/`)).toEqual({ status: 200 });

    const cancelled = await backend.cancelRun(handle);
    expect(cancelled.status).toBe('cancelled');
    expect(await get(`${endpoint.url}/`)).toHaveProperty('error');
    expect(await leftoverContainers(request.runId)).toEqual([]);
  });

  test('a service that exits before it answers ends failed, with the reason', async () => {
    const request = runRequest({
      kind: 'command',
      command: ['python3', '-c', 'import sys; sys.exit(4)'],
      service: { ports: [8000] },
    });
    const handle = await backend.startRun(request);
    const state = await backend.getRunState(handle);
    expect(state.status).toBe('failed');
    expect(state.reason).toContain('exited before it answered on port 8000');
    expect(await leftoverContainers(request.runId)).toEqual([]);
  });

  test('a service that never answers is stopped at its readiness timeout', async () => {
    const request = runRequest({
      kind: 'command',
      command: ['python3', '-c', 'import time; time.sleep(60)'],
      service: { ports: [8000], readiness: { timeoutMilliseconds: 1500 } },
    });
    const handle = await backend.startRun(request);
    const state = await backend.getRunState(handle);
    expect(state.status).toBe('failed');
    expect(state.reason).toContain('did not answer on port 8000 within 1500 ms');
    expect(await leftoverContainers(request.runId)).toEqual([]);
  });
});
