import { describe, expect, test } from 'vitest';
import type { ErrorBody } from '../src/index';
import { sampleSetBody, useOptimizerServer } from './helpers';
import { startServing } from './server-process';

// Requests that must never take the server down or hold it: a body nested far deeper than any system,
// absurd values that would cost minutes of solving, and a long solve that must not stop the server
// answering others.

const server = useOptimizerServer();

type LargeBody = {
  system: {
    serverData: {
      servers: Array<
        Record<string, unknown> & { name: string; currentAlloc: { load: Record<string, unknown> } }
      >;
    };
    modelData: { models: Array<Record<string, unknown>> };
    capacityData: { count: Array<{ type: string; count: number }> };
  };
};

/** Milliseconds until `/health` answers. */
async function healthLatency(): Promise<number> {
  const started = performance.now();
  const answer = await server.get('/health');
  expect(answer.status).toBe(200);
  return performance.now() - started;
}

describe('hostile requests', () => {
  test('a 30 MB body nested deeper than any system is refused before it is parsed, without the memory it would take', async () => {
    const depth = 15_000_000;
    const body = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const before = process.memoryUsage().rss;
    const answer = await server.post<ErrorBody>('/optimizeOne', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'invalid-json',
      message: 'request body:1:65: arrays and objects nest deeper than 64 levels.',
    });
    // The test process holds the body itself (twice, as text and as sent); parsing it would take gigabytes.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 2 ** 20);
    expect(await healthLatency()).toBeLessThan(1000);
  });

  test('absurd values are refused with the field named: a batch of a billion, an arrival rate of 1e308', async () => {
    const batch = sampleSetBody('large') as unknown as LargeBody;
    (batch.system.modelData.models[0] as { maxBatchSize: number }).maxBatchSize = 1e9;
    const tooLarge = await server.post<ErrorBody>('/optimizeOne', batch);
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body).toMatchObject({
      code: 'invalid-field',
      field: 'system.modelData.models[0].maxBatchSize',
      message: expect.stringContaining('must be at most 4096, not 1000000000'),
    });
    const rate = sampleSetBody('large') as unknown as LargeBody;
    rate.system.serverData.servers[0]!.currentAlloc.load.arrivalRate = 1e308;
    const absurd = await server.post<ErrorBody>('/optimizeOne', rate);
    expect(absurd.status).toBe(400);
    expect(absurd.body).toMatchObject({
      code: 'invalid-field',
      field: 'system.serverData.servers[0].currentAlloc.load.arrivalRate',
      message: expect.stringContaining('must be at most 60000000'),
    });
  });

  test('while a long exact solve runs, /health and other requests are answered at once', async () => {
    // In a process of its own, as deployed: a server sharing the test's event loop would hide a blocked one.
    const served = await startServing();
    const post = (path: string, body: unknown) =>
      fetch(`${served.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // The large sample's servers, forty times over with their own names and loads: an exact solve that
    // runs for seconds (it blocked the server's event loop for 6 s when solved in it).
    const body = sampleSetBody('large') as unknown as LargeBody;
    const servers = body.system.serverData.servers;
    body.system.serverData.servers = Array.from({ length: 40 }, (_, copy) =>
      servers.map((entry, index) => ({
        ...entry,
        name: `${entry.name}-${copy}`,
        currentAlloc: {
          ...entry.currentAlloc,
          load: {
            ...entry.currentAlloc.load,
            arrivalRate: Number(entry.currentAlloc.load.arrivalRate) * (1 + ((copy * 7 + index) % 5) / 10),
          },
        },
      })),
    ).flat();
    for (const capacity of body.system.capacityData.count) capacity.count *= 40;
    const started = performance.now();
    const solving = post('/optimizeOne?mode=exact&timeLimitMilliseconds=4000', body);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies: number[] = [];
    for (let check = 0; check < 5; check += 1) {
      const asked = performance.now();
      expect((await fetch(`${served.url}/health`)).status).toBe(200);
      latencies.push(performance.now() - asked);
    }
    expect((await post('/optimizeOne?mode=greedy', sampleSetBody('tiny'))).status).toBe(200);
    const solved = await solving;
    const solveMilliseconds = performance.now() - started;
    expect(solved.status).toBe(200);
    // The checks ran while the solve did, and each was answered within a second.
    expect(solveMilliseconds).toBeGreaterThan(1500);
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});
