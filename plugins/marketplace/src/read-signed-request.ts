import { jsonNestingDepth } from '@icl/core';
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
  const raw = await readBounded(request, maximumBodyBytes);
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
  const text = Buffer.from(raw).toString('utf8');
  if (jsonNestingDepth(text, maximumNesting).pastLimitAt !== undefined)
    throw new MarketplaceRefusal(
      400,
      'invalid-json',
      `The request body nests arrays and objects deeper than ${maximumNesting} levels.`,
      'Send the JSON object the route takes: orders, bids and manifests nest a few levels.',
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MarketplaceRefusal(400, 'invalid-json', 'The request body is not JSON.');
  }
  // Every route takes an object; anything else is refused here, never reaching a route as `null`.
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new MarketplaceRefusal(
      400,
      'invalid-json',
      'The request body must be a JSON object.',
      'Send one JSON object, as the route describes, not null, a list or a bare value.',
    );
  return { address: check.address, body };
}

/** The largest body a marketplace server reads: orders and manifests are kilobytes. */
const maximumBodyBytes = 4 * 1024 * 1024;

/** How deep a body may nest: marketplace records nest a few levels. */
const maximumNesting = 32;

/**
 * The body, read chunk by chunk and given up on as soon as it passes `limit` bytes, so a huge body (or
 * one that never ends) costs at most the limit in memory.
 *
 * @throws MarketplaceRefusal 413 for a larger body.
 */
async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new MarketplaceRefusal(
      413,
      'payload-too-large',
      `The request body is larger than ${limit} bytes.`,
      'Orders, bids and manifests are kilobytes; send the record itself, not files or data.',
    );
  if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
