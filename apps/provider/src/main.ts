#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { IclError } from '@icl/core';
import { readProviderSettings } from './provider-settings';
import { startProvider } from './start-provider';

const usage = `Usage: icl-provider --settings <provider.yaml> [--state <directory>] [--order-book <url>] [--port <port>]

Runs a GPU marketplace provider: it registers with the order book, bids on the orders it can host,
and runs leased services on its Docker daemon. It prints one JSON line
{"url": "http://127.0.0.1:<port>", "address": "0x…"} once it answers.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      settings: { type: 'string' },
      state: { type: 'string' },
      'order-book': { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!values.settings) {
    process.stderr.write(`icl-provider: give --settings <provider.yaml>.\n\n${usage}\n`);
    return 2;
  }
  const settings = await readProviderSettings(values.settings, {
    ...(values.state ? { stateDirectory: values.state } : {}),
    ...(values['order-book'] ? { orderBook: values['order-book'] } : {}),
    ...(values.port ? { port: values.port } : {}),
  });
  const provider = await startProvider(settings);
  process.stdout.write(`${JSON.stringify({ url: provider.url, address: provider.address })}\n`);
  const stop = () => {
    provider.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (IclError.isInstance(error)) {
      process.stderr.write(`icl-provider: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
    } else process.stderr.write(`icl-provider: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
