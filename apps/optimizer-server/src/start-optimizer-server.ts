import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createOptimizerServerApp } from './optimizer-server-app';
import { defaultOptimizerServerPort, type OptimizerServerSettings } from './optimizer-server-settings';
import { SolverPool } from './solver-pool';

/** A running optimizer server. */
export interface RunningOptimizerServer {
  /** Where it answers (`http://127.0.0.1:8080`). */
  readonly url: string;
  /** Requests received and not yet answered. */
  readonly activeRequests: number;
  /**
   * Stops accepting connections, lets the requests in flight finish (answered with `Connection: close`),
   * closes idle keep-alive connections, and resolves once every connection is closed. Connections still
   * busy after `shutdownGraceMilliseconds` are cut. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** Starts serving the optimizer's HTTP API on `settings.host` and `settings.port`. */
export async function startOptimizerServer(
  settings: OptimizerServerSettings = {},
): Promise<RunningOptimizerServer> {
  const solvers = new SolverPool();
  const app = createOptimizerServerApp({
    solvers,
    ...(settings.maxBodyBytes === undefined ? {} : { maxBodyBytes: settings.maxBodyBytes }),
  });
  const host = settings.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve(
      { fetch: app.fetch, hostname: host, port: settings.port ?? defaultOptimizerServerPort },
      () => resolve(started as Server),
    );
    started.once('error', reject);
  });

  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    if (closing) response.shouldKeepAlive = false;
    response.once('close', () => {
      inFlight.delete(response);
      if (closing) server.closeIdleConnections();
    });
  });

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    get activeRequests() {
      return inFlight.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        const cut = setTimeout(
          () => server.closeAllConnections(),
          settings.shutdownGraceMilliseconds ?? 30_000,
        );
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          void solvers.close().then(resolve, resolve);
        });
        for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
