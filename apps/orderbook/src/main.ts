#!/usr/bin/env node
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type RunningDaemon, runDaemon } from '@icl/daemon';
import { readOrderBookSettings } from './order-book-settings';
import { startOrderBook } from './start-order-book';

const usage = `Usage: icl-orderbook --state <directory> [--port <port>] [--host <address>] [--settings <file>]

Serves a GPU marketplace order book: providers register and bid, tenants place orders and lease.
Its state (orders, bids, leases, escrow) lives in <directory> and survives restarts.
It prints one JSON line {"url": "http://127.0.0.1:<port>"} once it answers.`;

async function main(): Promise<number | RunningDaemon> {
  const { values } = parseArgs({
    options: {
      state: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      settings: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const fromFile = values.settings ? await readOrderBookSettings(values.settings) : {};
  const stateDirectory = values.state ?? fromFile.stateDirectory;
  if (!stateDirectory) {
    process.stderr.write(
      `icl-orderbook: give --state <directory>, where the order book keeps its database.\n\n${usage}\n`,
    );
    return 2;
  }
  const orderBook = await startOrderBook({
    ...fromFile,
    stateDirectory: path.resolve(stateDirectory),
    ...(values.host ? { host: values.host } : {}),
    ...(values.port ? { port: Number(values.port) } : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: orderBook.url })}\n`);
  return orderBook;
}

runDaemon('icl-orderbook', main);
