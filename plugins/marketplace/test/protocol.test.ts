import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveMarketplaceSettings } from '../src/index';
import {
  generateMarketplaceKey,
  loadOrCreateMarketplaceKey,
  ReplayGuard,
  replayWindowMilliseconds,
  signRequest,
  verifyRequestSignature,
} from '../src/protocol';

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

function request(headers: Record<string, string>, method: string, pathWithQuery: string, body: string) {
  return { method, pathWithQuery, body, header: (name: string) => headers[name] };
}

describe('signed requests', () => {
  it('accept the signer once, and refuse another path, another body, a stale time or a replay', () => {
    const key = generateMarketplaceKey();
    const now = 1_750_000_000_000;
    const headers = signRequest(key, 'DELETE', '/leases/l-1', '', now);
    const guard = new ReplayGuard(now);
    expect(verifyRequestSignature(request(headers, 'DELETE', '/leases/l-1', ''), guard, now)).toEqual({
      valid: true,
      address: key.address,
    });
    expect(verifyRequestSignature(request(headers, 'DELETE', '/leases/l-1', ''), guard, now + 1)).toEqual({
      valid: false,
      reason: 'the request was already used (replay)',
    });
    const fresh = new ReplayGuard(now);
    expect(verifyRequestSignature(request(headers, 'DELETE', '/leases/l-2', ''), fresh, now)).toMatchObject({
      valid: false,
      reason: 'the signature does not match the request',
    });
    expect(verifyRequestSignature(request(headers, 'DELETE', '/leases/l-1', '{}'), fresh, now)).toMatchObject(
      {
        valid: false,
      },
    );
    expect(
      verifyRequestSignature(
        request(headers, 'DELETE', '/leases/l-1', ''),
        fresh,
        now + replayWindowMilliseconds + 1,
      ),
    ).toMatchObject({ valid: false, reason: expect.stringContaining('timestamp') });
    // A guard that started after the request was signed (the server restarted) may not have seen it.
    const restarted = new ReplayGuard(now + 1);
    expect(
      verifyRequestSignature(request(headers, 'DELETE', '/leases/l-1', ''), restarted, now + 2),
    ).toMatchObject({
      valid: false,
      reason: 'the request was signed before the server (re)started, so it may be a replay; sign it again',
    });
    expect(verifyRequestSignature(request({}, 'GET', '/', ''), fresh, now)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('not signed'),
    });
  });

  it('accept two identical requests signed in the same millisecond: each has its own nonce', () => {
    const key = generateMarketplaceKey();
    const now = 1_750_000_000_000;
    const guard = new ReplayGuard(now);
    const first = signRequest(key, 'GET', '/leases/l-1/events', '', now);
    const second = signRequest(key, 'GET', '/leases/l-1/events', '', now);
    expect(first['x-icl-signature']).not.toBe(second['x-icl-signature']);
    for (const headers of [first, second])
      expect(verifyRequestSignature(request(headers, 'GET', '/leases/l-1/events', ''), guard, now)).toEqual({
        valid: true,
        address: key.address,
      });
    // The nonce is signed: another one does not fit the signature.
    const moved = { ...first, 'x-icl-nonce': second['x-icl-nonce']! };
    expect(
      verifyRequestSignature(request(moved, 'GET', '/leases/l-1/events', ''), new ReplayGuard(now), now),
    ).toEqual({ valid: false, reason: 'the signature does not match the request' });
  });

  it('derives an address from the public key that another key cannot claim', () => {
    const key = generateMarketplaceKey();
    const other = generateMarketplaceKey();
    expect(key.address).toMatch(/^0x[0-9a-f]{40}$/);
    const headers = { ...signRequest(other, 'GET', '/leases/l-1'), 'x-icl-public-key': key.publicKey };
    expect(
      verifyRequestSignature(request(headers, 'GET', '/leases/l-1', ''), new ReplayGuard()),
    ).toMatchObject({
      valid: false,
    });
  });
});

describe('the tenant key file', () => {
  it('is created on first use, readable by its owner only, and the same key afterwards', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'icl-market-key-'));
    roots.push(root);
    const file = path.join(root, 'market', 'tenant-key.pem');
    const created = await loadOrCreateMarketplaceKey(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await loadOrCreateMarketplaceKey(file)).address).toBe(created.address);
    const [first, second] = await Promise.all([
      loadOrCreateMarketplaceKey(path.join(root, 'race.pem')),
      loadOrCreateMarketplaceKey(path.join(root, 'race.pem')),
    ]);
    expect(first.address).toBe(second.address);
    await chmod(file, 0o644);
    const refused = await loadOrCreateMarketplaceKey(file).catch((error: unknown) => error);
    expect(InvalidArgumentError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toContain('can be read by other users (mode 644)');
  });
});

describe('market settings', () => {
  it('picks the market named by market:NAME and says where to set a missing order book', () => {
    const settings = {
      markets: {
        local: { orderBook: 'http://127.0.0.1:8420', bidWindowSeconds: 2, run: { duration: '10m' } },
      },
      target: 'local',
    };
    expect(resolveMarketplaceSettings(settings, '/state')).toEqual({
      market: 'local',
      orderBook: 'http://127.0.0.1:8420',
      keyFile: '/state/tenant-key.pem',
      bidWindowMilliseconds: 2000,
      readyMilliseconds: 180_000,
      weights: {},
      run: { image: 'python:3.12-slim', duration: '10m', token: 'USDT', maximumPricePerHour: 1 },
    });
    const missing = (() => {
      try {
        return resolveMarketplaceSettings({ target: 'spheron' }, '/state');
      } catch (error) {
        return error;
      }
    })();
    expect((missing as Error).message).toBe('No order book is set for market "spheron".');
    expect((missing as InvalidArgumentError).hint).toContain('ICL_INFRA_MARKET_SPHERON_ORDER_BOOK');
  });
});
