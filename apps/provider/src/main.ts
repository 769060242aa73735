#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type RunningDaemon, runDaemon } from '@icl/daemon';
import { readProviderSettings } from './provider-settings';
import { startProvider } from './start-provider';

const usage = `Usage: icl-provider --settings <provider.yaml> [--state <directory>] [--order-book <url>] [--port <port>]

Runs a GPU marketplace provider: it registers with the order book, bids on the orders it can host,
and runs leased services on its Docker daemon. It prints one JSON line
{"url": "http://127.0.0.1:<port>", "address": "0x…"} once it answers.`;

async function main(): Promise<number | RunningDaemon> {
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
  return provider;
}

runDaemon('icl-provider', main);
