import { MarketplaceRefusal } from './marketplace-refusal';
import { type ReplayGuard, verifyRequestSignature } from './request-signature';

/**
 * Checks the signature of a request a marketplace server received (a standard Fetch `Request`, as Hono
 * gives it in `c.req.raw`) and reads its JSON body. Returns who signed it and the body (`{}` when
 * empty).
 *
 * @param server - how the refusal names the server (`order book`, `provider`).
 * @throws MarketplaceRefusal 401 `unauthenticated` for an unsigned, stale or replayed request; 400
 *   `invalid-json` for a body that is not JSON.
 */
export async function readSignedRequest(
  request: Request,
  guard: ReplayGuard,
  server: string,
): Promise<{ address: string; body: unknown }> {
  const raw = new Uint8Array(await request.arrayBuffer());
  const url = new URL(request.url);
  const check = verifyRequestSignature(
    {
      method: request.method,
      pathWithQuery: url.pathname + url.search,
      body: raw,
      header: (name) => request.headers.get(name) ?? undefined,
    },
    guard,
  );
  if (!check.valid)
    throw new MarketplaceRefusal(
      401,
      'unauthenticated',
      `The ${server} refused the request: ${check.reason}.`,
    );
  if (raw.length === 0) return { address: check.address, body: {} };
  try {
    return { address: check.address, body: JSON.parse(Buffer.from(raw).toString('utf8')) };
  } catch {
    throw new MarketplaceRefusal(400, 'invalid-json', 'The request body is not JSON.');
  }
}
