#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { defaultMaxBodyBytes } from './optimizer-server-app';
import { defaultOptimizerServerPort } from './optimizer-server-settings';
import { startOptimizerServer } from './start-optimizer-server';

const usage = `Usage: icl-optimizer-server [--host <address>] [--port <port>] [--max-body-bytes <bytes>]

Serves the GPU allocation optimizer over HTTP, compatible with Inferno's stateless API:
POST /optimizeOne with a system-data.json body answers the allocation of every server;
GET /getAccelerators, /getServers, … return what was posted; GET /openapi.json describes it all.

  --host <address>          where to listen (default 127.0.0.1; env INFERNO_HOST)
  --port <port>             the port (default ${defaultOptimizerServerPort}; 0 for any free one; env INFERNO_PORT)
  --max-body-bytes <bytes>  the largest request body (default ${defaultMaxBodyBytes})

It prints one JSON line {"url": "http://127.0.0.1:<port>"} once it answers. SIGTERM or SIGINT stops it
after the requests in flight are answered.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const host = values.host ?? (process.env.INFERNO_HOST || undefined);
  const portText = values.port ?? (process.env.INFERNO_PORT || undefined);
  const port = portText === undefined ? undefined : wholeNumber(portText, 65_535);
  if (port === null) return refuse(`the port must be a whole number from 0 to 65535, not "${portText}".`);
  const bodyText = values['max-body-bytes'];
  const maxBodyBytes = bodyText === undefined ? undefined : wholeNumber(bodyText, Number.MAX_SAFE_INTEGER);
  if (maxBodyBytes === null || maxBodyBytes === 0)
    return refuse(`--max-body-bytes must be a positive whole number, not "${bodyText}".`);

  const server = await startOptimizerServer({
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `icl-optimizer-server: ${signal}: stopping after ${server.activeRequests} request(s) in flight.\n`,
    );
    // A second signal stops at once.
    process.once(signal, () => process.exit(1));
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return -1;
}

/** The number `text` spells when it is a whole number up to `maximum`; null otherwise. */
function wholeNumber(text: string, maximum: number): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value <= maximum ? value : null;
}

function refuse(problem: string): number {
  process.stderr.write(`icl-optimizer-server: ${problem}\n\n${usage}\n`);
  return 2;
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(
        `icl-optimizer-server: cannot listen: ${(error as Error).message}.\n  Give another --port (0 picks a free one) or --host.\n`,
      );
    } else process.stderr.write(`icl-optimizer-server: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
