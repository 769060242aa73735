import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDeployManifest } from '@icl/manifest';
import {
  generateMarketplaceKey,
  type MarketplaceKey,
  MarketplaceRequestError,
  OrderBookClient,
  type OrderSpecification,
  signRequest,
} from '@icl/plugin-marketplace/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { escrowDeposit, escrowSpent, startOrderBook, tokenQuantum } from '../src/index';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function temporaryDirectory(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'icl-order-book-test-'));
  roots.push(root);
  return root;
}

/** An order for one small service, `duration` long, at most 2 USDT an hour. */
function specification(duration = '1h'): OrderSpecification {
  const manifest = parseDeployManifest(`version: "1.0"
services:
  web:
    image: example/web
    expose:
      - port: 8080
        to:
          - global: true
profiles:
  duration: ${duration}
  mode: provider
  compute:
    web:
      resources:
        cpu: { units: 1 }
        memory: { size: 1Gi }
        storage: { size: 1Gi }
  placement:
    here:
      pricing:
        web: { token: USDT, amount: 2 }
deployment:
  web:
    here: { profile: web, count: 1 }
`);
  const { manifestGroup: _manifest, ...order } = manifest.orders[0]!;
  return { ...order, durationSeconds: order.durationSeconds! };
}

const offer = (address: string) => ({ address, tier: 1, region: 'us-east', tokens: ['USDT'], nodes: [] });

async function refusal(promise: Promise<unknown>): Promise<number | undefined | string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (MarketplaceRequestError.isInstance(error)) return error.status;
    throw error;
  }
}

describe('escrow in the token precision', () => {
  it('rounds the deposit up and the earnings down to the smallest unit of the token', () => {
    const usdt = tokenQuantum(6);
    expect(usdt).toBe(10n ** 12n);
    // 1.0000005 USDT an hour for an hour: 1.000001 deposited (rounded up to 6 decimals).
    expect(escrowDeposit(1_000_000_500_000_000_000n, 3600, usdt)).toBe(1_000_001_000_000_000_000n);
    // After 1 s at 3.6 USDT an hour: exactly 0.001.
    expect(escrowSpent(3_600_000_000_000_000_000n, 1000, 10n ** 18n, usdt)).toBe(1_000_000_000_000_000n);
    // Never more than the deposit.
    expect(escrowSpent(3_600_000_000_000_000_000n, 10_000_000, 5n * 10n ** 18n, usdt)).toBe(5n * 10n ** 18n);
    // A token with 18 decimals keeps every unit.
    expect(escrowSpent(3_600_000_000_000_000_001n, 1000, 10n ** 19n, tokenQuantum(18))).toBe(
      1_000_000_000_000_000n,
    );
  });
});

describe('the order book', () => {
  it('lets only owners act: providers register themselves, tenants close their own orders and leases', async () => {
    const tenant = generateMarketplaceKey();
    const provider = generateMarketplaceKey();
    const intruder = generateMarketplaceKey();
    const operator = generateMarketplaceKey();
    const orderBook = await startOrderBook({
      stateDirectory: await temporaryDirectory(),
      operators: [operator.address],
    });
    try {
      const as = (key: MarketplaceKey) => new OrderBookClient(orderBook.url, key);
      expect(
        await refusal(
          as(intruder).registerProvider(provider.address, {
            hostUri: 'http://127.0.0.1:1',
            offer: offer(provider.address),
          }),
        ),
      ).toBe(403);
      await as(provider).registerProvider(provider.address, {
        hostUri: 'http://127.0.0.1:1',
        offer: offer(provider.address),
      });
      const order = await as(tenant).placeOrder({ deployment: 'web', specification: specification() });
      expect(await refusal(as(intruder).bid(order.id, { denom: 'USDT', amount: '1' }))).toBe(403);
      expect(await refusal(as(provider).bid(order.id, { denom: 'USDT', amount: '2.5' }))).toBe(400);
      const bid = await as(provider).bid(order.id, { denom: 'USDT', amount: '1' });
      expect(await refusal(as(intruder).createLease(bid.id))).toBe(403);
      // Unfunded: 402, with the deposit and the balance in the message.
      const unfunded = await as(tenant)
        .createLease(bid.id)
        .catch((error: MarketplaceRequestError) => error);
      expect((unfunded as MarketplaceRequestError).status).toBe(402);
      expect((unfunded as MarketplaceRequestError).message).toContain(
        'needs an escrow deposit of 1.000000000000000000 USDT',
      );
      expect(await refusal(as(intruder).credit(tenant.address, { denom: 'USDT', amount: '5' }))).toBe(403);
      await as(operator).credit(tenant.address, { denom: 'USDT', amount: '5' });
      const lease = await as(tenant).createLease(bid.id);
      expect((await as(tenant).account(tenant.address)).balances.USDT).toBe('4.000000000000000000');
      expect(await refusal(as(intruder).closeLease(lease.id))).toBe(403);
      expect(await refusal(as(intruder).closeOrder(order.id))).toBe(403);

      // Unsigned and replayed requests are refused before anything is looked at.
      const unsigned = await fetch(`${orderBook.url}/leases/${lease.id}/close`, {
        method: 'POST',
        body: '{}',
      });
      expect(unsigned.status).toBe(401);
      const headers = signRequest(tenant, 'POST', `/orders/${order.id}/close`, '{}');
      const first = await fetch(`${orderBook.url}/orders/${order.id}/close`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      expect(first.status).toBe(200);
      const replayed = await fetch(`${orderBook.url}/orders/${order.id}/close`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { error: { message: string } }).error.message).toContain('replay');
    } finally {
      await orderBook.close();
    }
  });

  it('a credit captured before a restart is refused after it: credited once', async () => {
    const tenant = generateMarketplaceKey();
    const operator = generateMarketplaceKey();
    const stateDirectory = await temporaryDirectory();
    const path = `/accounts/${tenant.address}/credits`;
    const body = JSON.stringify({ amount: { denom: 'USDT', amount: '5' } });
    let orderBook = await startOrderBook({ stateDirectory, operators: [operator.address] });
    const headers = { ...signRequest(operator, 'POST', path, body), 'content-type': 'application/json' };
    try {
      expect((await fetch(`${orderBook.url}${path}`, { method: 'POST', headers, body })).status).toBe(200);
      await orderBook.close();
      orderBook = await startOrderBook({ stateDirectory, operators: [operator.address] });
      const replayed = await fetch(`${orderBook.url}${path}`, { method: 'POST', headers, body });
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { error: { message: string } }).error.message).toContain(
        'signed before the server (re)started',
      );
      const account = await new OrderBookClient(orderBook.url, tenant).account(tenant.address);
      expect(account.balances.USDT).toBe('5.000000000000000000');
    } finally {
      await orderBook.close();
    }
  });

  it('wakes a provider waiting for orders as soon as one is placed', async () => {
    const tenant = generateMarketplaceKey();
    const orderBook = await startOrderBook({ stateDirectory: await temporaryDirectory() });
    try {
      const client = new OrderBookClient(orderBook.url, tenant);
      const started = Date.now();
      const waiting = client.orders({ state: 'open', after: 0, waitSeconds: 10 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const placed = await client.placeOrder({ deployment: 'web', specification: specification() });
      const seen = await waiting;
      expect(seen.map((order) => order.id)).toEqual([placed.id]);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await orderBook.close();
    }
  });

  it('loses no order, bid or lease when killed, and settles leases that expired while it was down', async () => {
    const root = await temporaryDirectory();
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const operator = generateMarketplaceKey();
    const tenant = generateMarketplaceKey();
    const provider = generateMarketplaceKey();
    const start = () => {
      const child = spawn(
        process.execPath,
        [main, '--state', path.join(root, 'state'), '--port', String(port)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env },
        },
      );
      return new Promise<{ kill: () => Promise<void>; url: string }>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the order book exited with ${code}`)));
        child.stdout!.setEncoding('utf8').once('data', (line: string) => {
          const exited = new Promise((done) => child.once('exit', done));
          resolve({
            url: (JSON.parse(line) as { url: string }).url,
            kill: async () => {
              child.kill('SIGKILL');
              await exited;
            },
          });
        });
      });
    };
    // The operator is named in a settings file only when given; credit through a first in-process run.
    const setup = await startOrderBook({
      stateDirectory: path.join(root, 'state'),
      port,
      operators: [operator.address],
    });
    await new OrderBookClient(setup.url, operator).credit(tenant.address, { denom: 'USDT', amount: '10' });
    await setup.close();

    const first = await start();
    const as = (key: MarketplaceKey) => new OrderBookClient(first.url, key);
    await as(provider).registerProvider(provider.address, {
      hostUri: 'http://127.0.0.1:1',
      offer: offer(provider.address),
    });
    const open = await as(tenant).placeOrder({ deployment: 'kept', specification: specification() });
    const openBid = await as(provider).bid(open.id, { denom: 'USDT', amount: '1.5' });
    const short = await as(tenant).placeOrder({ deployment: 'short', specification: specification('2s') });
    const shortBid = await as(provider).bid(short.id, { denom: 'USDT', amount: '1.8' });
    const lease = await as(tenant).createLease(shortBid.id);
    await first.kill();
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const second = await start();
    try {
      const client = new OrderBookClient(second.url);
      expect(await client.order(open.id)).toMatchObject({
        id: open.id,
        state: 'open',
        tenant: tenant.address,
      });
      expect(await client.bids(open.id)).toEqual([openBid]);
      expect((await client.providers()).map((record) => record.address)).toEqual([provider.address]);
      const settled = await client.lease(lease.id);
      expect(settled).toMatchObject({ id: lease.id, state: 'closed', end: 'expired' });
      expect(settled.escrow.spent).toBe(lease.escrow.deposited);
      expect((await client.account(provider.address)).balances.USDT).toBe(lease.escrow.deposited);
      // 1.8 USDT an hour for 2 s: 0.001 deposited, all of it paid.
      expect(lease.escrow.deposited).toBe('0.001000000000000000');
      expect((await client.account(tenant.address)).balances.USDT).toBe('9.999000000000000000');
    } finally {
      await second.kill();
    }
  });
});
