import http from 'node:http';
import net from 'node:net';

/** What {@link waitForServiceReadiness} checks. */
export interface ReadinessCheck {
  /** The address and port the service is reached on. */
  address: string;
  port: number;
  /** An HTTP path to GET; a TCP connection when absent. */
  path?: string;
  /** How long to keep trying. */
  timeoutMilliseconds: number;
  /** Whether the service is still running; checked between attempts so an exit ends the wait at once. */
  isRunning: () => Promise<boolean>;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/** How waiting for a service ended. */
export type Readiness = { ready: true } | { ready: false; exited: boolean };

const attemptInterval = 200;
/**
 * How long an accepted connection must stay open to count. Docker publishes ports through a proxy that
 * accepts every connection and closes it at once when nothing listens in the container yet.
 */
const settleMilliseconds = 150;

/**
 * Waits until a service answers: an HTTP GET of `path` answered below 500, or else a TCP connection
 * that the service (not Docker's port proxy) accepted. Gives up when the service exits or the time is
 * up.
 */
export async function waitForServiceReadiness(check: ReadinessCheck): Promise<Readiness> {
  const deadline = Date.now() + check.timeoutMilliseconds;
  for (;;) {
    check.signal?.throwIfAborted();
    const answered =
      check.path === undefined
        ? await acceptsConnections(check.address, check.port)
        : await answersHttp(check.address, check.port, check.path);
    if (answered) return { ready: true };
    if (!(await check.isRunning())) return { ready: false, exited: true };
    if (Date.now() >= deadline) return { ready: false, exited: false };
    await new Promise((resolve) => setTimeout(resolve, attemptInterval));
  }
}

function acceptsConnections(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    let timer: NodeJS.Timeout | undefined;
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(2000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.once('end', () => finish(false));
    socket.once('data', () => finish(true));
    socket.once('connect', () => {
      timer = setTimeout(() => finish(true), settleMilliseconds);
    });
  });
}

function answersHttp(address: string, port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(
      { host: address, port, path: path.startsWith('/') ? path : `/${path}`, timeout: 2000, agent: false },
      (response) => {
        response.resume();
        resolve((response.statusCode ?? 500) < 500);
      },
    );
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}
