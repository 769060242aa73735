import { request } from 'node:http';
import { connect } from 'node:net';
import type { ServiceOptions } from '@icl/core';

/** The outcome of waiting for a service. */
export type ServiceReadinessResult = { ready: true } | { ready: false; reason: string };

/**
 * Waits until a service answers: a TCP connection to its readiness port, or, when a path is given, an
 * HTTP GET answered with any status below 500. Gives up when the program ends or the time is up.
 */
export async function waitForServiceReadiness(
  service: ServiceOptions,
  host: string,
  hasEnded: () => Promise<boolean>,
): Promise<ServiceReadinessResult> {
  const port = service.readiness?.port ?? (service.ports[0] as number);
  const path = service.readiness?.path;
  const timeout = service.readiness?.timeoutMilliseconds ?? 60_000;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await (path ? answersHttp(host, port, path) : acceptsConnection(host, port))) return { ready: true };
    if (await hasEnded())
      return { ready: false, reason: `The service exited before it answered on port ${port}.` };
    if (Date.now() >= deadline) {
      const check = path ? `GET ${path} on port ${port}` : `a connection on port ${port}`;
      return {
        ready: false,
        reason: `The service did not answer ${check} within ${timeout / 1000}s, so it was stopped.`,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function acceptsConnection(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function answersHttp(host: string, port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const call = request({ host, port, path, method: 'GET', timeout: 2000 }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 500);
    });
    call.once('timeout', () => call.destroy());
    call.once('error', () => resolve(false));
    call.end();
  });
}
