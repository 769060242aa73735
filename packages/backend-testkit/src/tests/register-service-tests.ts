import { request } from 'node:http';
import { createServer } from 'node:net';
import type { ConformanceHarness } from '../conformance-harness';

/** A TCP port that is free on this machine right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The body of a GET, or the error code when nothing answers. */
function fetchBody(url: string): Promise<string> {
  return new Promise((resolve) => {
    const call = request(url, { timeout: 3000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => {
        body += text;
      });
      response.on('end', () => resolve(body));
    });
    call.once('timeout', () => call.destroy(new Error('timeout')));
    call.once('error', (error: NodeJS.ErrnoException) => resolve(`error: ${error.code ?? error.message}`));
    call.end();
  });
}

/**
 * Registers the `services` group: a long-running program with a port starts once it answers, reports
 * where it answers (on this machine's loopback unless asked otherwise), and stops on cancel.
 */
export function registerServiceTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test('starts a service once it answers and stops it on cancel', async (context) => {
    const port = await freePort();
    const parts = () => ({
      program: {
        kind: 'script' as const,
        path: harness.fixtures.service,
        arguments: [String(port)],
        service: { ports: [port], readiness: { path: '/', timeoutMilliseconds: harness.scaled(30_000) } },
      },
      detach: true,
    });
    if (!(await harness.declares(context, 'services', () => harness.startRun(parts())))) return;
    const handle = await harness.startRun(parts());
    const state = await harness.backend.getRunState(handle);
    await harness.expectFinalState(handle, state, 'running', 'a service right after startRun resolved');
    const endpoint = state.endpoints?.find((entry) => entry.port === port);
    expect(
      endpoint,
      `the state must list an endpoint for port ${port}: ${JSON.stringify(state.endpoints)}`,
    ).toBeDefined();
    const url = new URL(endpoint!.url);
    expect(['127.0.0.1', 'localhost', '[::1]'], 'services are published on loopback by default').toContain(
      url.hostname,
    );
    expect(await fetchBody(endpoint!.url)).toBe('hello from the conformance service');

    const cancelled = await harness.cancelRun(handle);
    expect(cancelled.status).toBe('cancelled');
    expect(await fetchBody(endpoint!.url)).toMatch(/^error: /);
    await harness.checkNothingLeft(handle);
  });
}
