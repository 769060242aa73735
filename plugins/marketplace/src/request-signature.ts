import { createHash, randomBytes, verify } from 'node:crypto';
import { addressOfPublicKey, type MarketplaceKey, publicKeyObject } from './marketplace-key';

/** Header names of a signed request. */
export const signatureHeaders = {
  publicKey: 'x-icl-public-key',
  timestamp: 'x-icl-timestamp',
  nonce: 'x-icl-nonce',
  signature: 'x-icl-signature',
} as const;

/** How far a request's timestamp may be from the server's clock, either way. */
export const replayWindowMilliseconds = 30_000;

/**
 * What a signature covers: the method, the path with its query, the time, a nonce, and the SHA-256 of
 * the body. A signed request cannot be moved to another path, changed, or replayed after the window; a
 * replay inside the window is refused by the {@link ReplayGuard}. The nonce makes two identical requests
 * sent in the same millisecond (Ed25519 signatures are deterministic) two signatures, not a replay.
 */
export function signedText(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  nonce: string,
  body: Uint8Array | string,
): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return `ICL-MARKETPLACE-V2\n${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${bodyHash}`;
}

/** The headers that sign a request with `key`. */
export function signRequest(
  key: MarketplaceKey,
  method: string,
  pathWithQuery: string,
  body: Uint8Array | string = '',
  now = Date.now(),
): Record<string, string> {
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('hex');
  return {
    [signatureHeaders.publicKey]: key.publicKey,
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.nonce]: nonce,
    [signatureHeaders.signature]: key.sign(signedText(method, pathWithQuery, timestamp, nonce, body)),
  };
}

/** The outcome of checking a request's signature. */
export type SignatureCheck =
  | { readonly valid: true; readonly address: string }
  | { readonly valid: false; readonly reason: string };

/**
 * Remembers signatures seen inside the replay window, so each signed request is accepted once. What it
 * remembers is lost when the server restarts, so it also refuses every request signed before it was
 * created: a request captured before a restart (and perhaps accepted then) cannot be played again after
 * it, without any signature kept on disk. A client whose request crossed a restart signs it again.
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  /** When this guard started remembering: requests signed earlier may have been seen by its predecessor. */
  readonly startedAt: number;

  constructor(now = Date.now()) {
    this.startedAt = now;
  }

  /** Whether `signature` is new; records it until `expiresAt`. */
  accept(signature: string, now: number): boolean {
    if (this.#seen.size > 10_000) {
      for (const [seen, expiresAt] of this.#seen) if (expiresAt < now) this.#seen.delete(seen);
    }
    const expiresAt = this.#seen.get(signature);
    if (expiresAt !== undefined && expiresAt >= now) return false;
    this.#seen.set(signature, now + 2 * replayWindowMilliseconds);
    return true;
  }
}

/**
 * Checks a request's signature and freshness, and returns the signer's address.
 *
 * @param headers Header lookup (lower-case names).
 */
export function verifyRequestSignature(
  request: {
    method: string;
    pathWithQuery: string;
    body: Uint8Array | string;
    header(name: string): string | undefined;
  },
  guard: ReplayGuard,
  now = Date.now(),
): SignatureCheck {
  const publicKey = request.header(signatureHeaders.publicKey);
  const timestamp = request.header(signatureHeaders.timestamp);
  const nonce = request.header(signatureHeaders.nonce);
  const signature = request.header(signatureHeaders.signature);
  if (!publicKey || !timestamp || !nonce || !signature) {
    return {
      valid: false,
      reason: 'the request is not signed (x-icl-public-key, x-icl-timestamp, x-icl-nonce, x-icl-signature)',
    };
  }
  const time = Number(timestamp);
  if (!Number.isFinite(time) || Math.abs(now - time) > replayWindowMilliseconds) {
    return {
      valid: false,
      reason: `the signature's timestamp is more than ${replayWindowMilliseconds / 1000} s from the server's clock`,
    };
  }
  let valid = false;
  try {
    valid = verify(
      null,
      Buffer.from(signedText(request.method, request.pathWithQuery, timestamp, nonce, request.body)),
      publicKeyObject(publicKey),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    valid = false;
  }
  if (!valid) return { valid: false, reason: 'the signature does not match the request' };
  if (time < guard.startedAt)
    return {
      valid: false,
      reason: 'the request was signed before the server (re)started, so it may be a replay; sign it again',
    };
  if (!guard.accept(signature, now)) return { valid: false, reason: 'the request was already used (replay)' };
  return { valid: true, address: addressOfPublicKey(publicKey) };
}
