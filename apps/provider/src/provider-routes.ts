import { type ManifestGroup, manifestGroupProblem } from '@icl/manifest';
import {
  isStatusChallenge,
  MarketplaceRefusal,
  proveStatus,
  ReplayGuard,
  readSignedRequest,
} from '@icl/plugin-marketplace/protocol';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { ProviderDaemon } from './provider-daemon';

/**
 * The provider's HTTP API (see `ProviderClient` in `@icl/plugin-marketplace/protocol`). Everything
 * about a lease answers only requests signed by the lease's tenant: 401 for an unsigned, stale or
 * replayed request, 403 for another key.
 */
export function providerRoutes(daemon: ProviderDaemon): Hono {
  const guard = new ReplayGuard();
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof MarketplaceRefusal) return c.json(error.body, error.status);
    process.stderr.write(
      `provider: ${c.req.method} ${c.req.path} failed: ${(error as Error).stack ?? error}\n`,
    );
    return c.json(
      { error: { code: 'internal', message: `The provider failed: ${(error as Error).message}` } },
      500,
    );
  });

  app.get('/status', (c) => {
    const { pricing: _pricing, ...offer } = daemon.offer();
    // Asked with a challenge, the provider proves it holds the key the order book lists for it.
    const challenge = c.req.query('challenge');
    return c.json({
      address: daemon.address,
      offer,
      ...(isStatusChallenge(challenge) ? { proof: proveStatus(daemon.key, challenge) } : {}),
    });
  });

  app.put('/leases/:id/manifest', async (c) => {
    const { address, body } = await readSignedRequest(c.req.raw, guard, 'provider');
    const lease = await daemon.leaseFor(c.req.param('id'), address);
    const group = (body as { group?: unknown } | null)?.group;
    if (group === undefined)
      throw new MarketplaceRefusal(400, 'invalid-manifest', 'Send `{ "group": <manifest group> }`.');
    // Checked whole before anything is touched: a bad field is a 400 naming it, never a crash.
    const problem = manifestGroupProblem(group);
    if (problem)
      throw new MarketplaceRefusal(
        400,
        'invalid-manifest',
        `The manifest group is not valid: ${problem}.`,
        'Send the manifest ICL makes of your deploy file (icl lease update).',
      );
    return c.json(await daemon.deployManifest(lease, group as ManifestGroup), 202);
  });

  app.get('/leases/:id', async (c) => {
    const { address } = await readSignedRequest(c.req.raw, guard, 'provider');
    return c.json(await daemon.leaseStatus(await daemon.leaseFor(c.req.param('id'), address)));
  });

  app.get('/leases/:id/events', async (c) => {
    const { address } = await readSignedRequest(c.req.raw, guard, 'provider');
    return c.json(daemon.leaseEvents(await daemon.leaseFor(c.req.param('id'), address)));
  });

  app.delete('/leases/:id', async (c) => {
    const { address } = await readSignedRequest(c.req.raw, guard, 'provider');
    return c.json(await daemon.closeLease(await daemon.leaseFor(c.req.param('id'), address)));
  });

  app.get('/leases/:id/logs', async (c) => {
    const { address } = await readSignedRequest(c.req.raw, guard, 'provider');
    const lease = await daemon.leaseFor(c.req.param('id'), address);
    const follow = c.req.query('follow') === 'true';
    const service = c.req.query('service');
    c.header('content-type', 'application/x-ndjson');
    return stream(c, async (output) => {
      const aborted = new AbortController();
      output.onAbort(() => aborted.abort());
      for await (const line of daemon.leaseLogs(lease, {
        follow,
        ...(service ? { service } : {}),
        signal: aborted.signal,
      })) {
        await output.write(`${JSON.stringify(line)}\n`);
      }
    });
  });

  return app;
}
