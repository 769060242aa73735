import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ReplayGuard } from '@icl/plugin-marketplace/protocol';
import { tokenQuantum } from './escrow';
import { orderBookRoutes } from './order-book-routes';
import type { OrderBookSettings } from './order-book-settings';
import { OrderBookStore } from './order-book-store';
import { OrderFeed } from './order-feed';
import { settleLease } from './settle-lease';

/** A running order book. */
export interface RunningOrderBook {
  /** Where it answers (`http://127.0.0.1:40123`). */
  readonly url: string;
  /** Stops answering, ends long polls and closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the order book's database in `settings.stateDirectory`, settles leases that expired while it
 * was down, and serves its API on `settings.host` (127.0.0.1 by default) and `settings.port` (any free
 * port by default). Expired leases are settled every `expiryCheckMilliseconds` from then on.
 */
export async function startOrderBook(settings: OrderBookSettings): Promise<RunningOrderBook> {
  const store = await OrderBookStore.open(settings.stateDirectory);
  const feed = new OrderFeed();
  const closing = new AbortController();
  const expire = async () => {
    const now = Date.now();
    const due = store
      .all(store.leases)
      .filter((lease) => lease.state === 'active' && Date.parse(lease.expiresAt) <= now);
    if (due.length === 0) return;
    await store.write(() => {
      for (const lease of due) {
        const current = store.leases.get(lease.id);
        if (current?.state !== 'active') continue;
        const decimals = settings.tokenDecimals?.[current.escrow.denom] ?? 18;
        settleLease(store, current, 'expired', now, tokenQuantum(decimals));
      }
    });
  };
  await expire();
  const timer = setInterval(() => {
    expire().catch((error) => console.error(`order book: settling expired leases failed: ${error}`));
  }, settings.expiryCheckMilliseconds ?? 1000);
  timer.unref();

  const app = orderBookRoutes({ store, settings, feed, guard: new ReplayGuard(), closing: closing.signal });
  const host = settings.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host, port: settings.port ?? 0 }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    async close() {
      clearInterval(timer);
      closing.abort();
      feed.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await store.close();
    },
  };
}
