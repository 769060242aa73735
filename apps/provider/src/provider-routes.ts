import type { ManifestGroup } from '@icl/manifest';
import { ReplayGuard, verifyRequestSignature } from '@icl/plugin-marketplace/protocol';
import { type Context, Hono } from 'hono';
import { stream } from 'hono/streaming';
import { type ProviderDaemon, ProviderRequestError } from './provider-daemon';

/**
 * The provider's HTTP API (see `ProviderClient` in `@icl/plugin-marketplace/protocol`). Everything
 * about a lease answers only requests signed by the lease's tenant: 401 for an unsigned, stale or
 * replayed request, 403 for another key.
 */
export function providerRoutes(daemon: ProviderDaemon): Hono {
  const guard = new ReplayGuard();
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof ProviderRequestError) {
      return c.json(
        { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } },
        error.status,
      );
    }
    if (error instanceof UnauthenticatedError) {
      return c.json({ error: { code: 'unauthenticated', message: error.message } }, 401);
    }
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
    return c.json({ address: daemon.address, offer });
  });

  app.put('/leases/:id/manifest', async (c) => {
    const { address, body } = await signed(c, guard);
    const lease = await daemon.leaseFor(c.req.param('id'), address);
    const group = (body as { group?: ManifestGroup }).group;
    if (!group)
      throw new ProviderRequestError(400, 'invalid-manifest', 'Send `{ "group": <manifest group> }`.');
    return c.json(await daemon.deployManifest(lease, group), 202);
  });

  app.get('/leases/:id', async (c) => {
    const { address } = await signed(c, guard);
    return c.json(await daemon.leaseStatus(await daemon.leaseFor(c.req.param('id'), address)));
  });

  app.get('/leases/:id/events', async (c) => {
    const { address } = await signed(c, guard);
    return c.json(daemon.leaseEvents(await daemon.leaseFor(c.req.param('id'), address)));
  });

  app.delete('/leases/:id', async (c) => {
    const { address } = await signed(c, guard);
    return c.json(await daemon.closeLease(await daemon.leaseFor(c.req.param('id'), address)));
  });

  app.get('/leases/:id/logs', async (c) => {
    const { address } = await signed(c, guard);
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

class UnauthenticatedError extends Error {}

async function signed(c: Context, guard: ReplayGuard): Promise<{ address: string; body: unknown }> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const url = new URL(c.req.url);
  const check = verifyRequestSignature(
    {
      method: c.req.method,
      pathWithQuery: url.pathname + url.search,
      body: raw,
      header: (name) => c.req.header(name),
    },
    guard,
  );
  if (!check.valid) throw new UnauthenticatedError(`The provider refused the request: ${check.reason}.`);
  let body: unknown = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      throw new ProviderRequestError(400, 'invalid-json', 'The request body is not JSON.');
    }
  }
  return { address: check.address, body };
}
