import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ProviderDaemon } from './provider-daemon';
import { providerRoutes } from './provider-routes';
import type { ProviderSettings } from './provider-settings';

/** A running provider. */
export interface RunningProvider {
  /** Its API (`http://127.0.0.1:40123`), registered with the order book as its host URI. */
  readonly url: string;
  readonly address: string;
  readonly daemon: ProviderDaemon;
  /** Stops the API and the watchers; leased services keep running and are adopted on the next start. */
  close(): Promise<void>;
}

/** Starts a provider: its API on `settings.host`, then its daemon (registration, bidding, leases). */
export async function startProvider(settings: ProviderSettings): Promise<RunningProvider> {
  const daemon = new ProviderDaemon(settings);
  const app = providerRoutes(daemon);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  try {
    await daemon.start(url);
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    url,
    address: daemon.address,
    daemon,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await daemon.stop();
    },
  };
}
