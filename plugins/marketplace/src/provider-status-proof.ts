import { randomBytes, verify } from 'node:crypto';
import type { MarketplaceKey } from './marketplace-key';
import { publicKeyObject } from './marketplace-key';
import type { ProviderRecord } from './order-book-records';

/**
 * How a provider proves, when a tenant asks, that it is the provider the order book lists: it answers
 * `GET /status?challenge=<random>` at its registered address with the challenge signed by its key. A
 * provider that registered an offer but cannot be reached, or a server at its address without its key,
 * fails the proof, so its bids do not count and it cannot hold a deployment up.
 */
export function statusProofText(address: string, challenge: string): string {
  return `ICL-PROVIDER-STATUS-V1\n${address}\n${challenge}`;
}

/** The provider's proof for a challenge (see {@link statusProofText}). */
export function proveStatus(key: MarketplaceKey, challenge: string): string {
  return key.sign(statusProofText(key.address, challenge));
}

/** A challenge: hex, so it travels in a query string as it is. */
const challengePattern = /^[0-9a-f]{32,128}$/;

/** Whether a challenge has the form a tenant sends (a provider signs nothing else). */
export function isStatusChallenge(value: string | undefined): value is string {
  return value !== undefined && challengePattern.test(value);
}

/**
 * Asks a provider to prove its registration; undefined when it did, else why not, in a sentence a
 * tenant can act on.
 */
export async function verifyProviderStatus(
  provider: ProviderRecord,
  timeoutMilliseconds = 5_000,
): Promise<string | undefined> {
  const challenge = randomBytes(16).toString('hex');
  let answer: { address?: unknown; proof?: unknown };
  try {
    const response = await fetch(`${provider.hostUri.replace(/\/$/, '')}/status?challenge=${challenge}`, {
      signal: AbortSignal.timeout(timeoutMilliseconds),
    });
    if (!response.ok) return `answered ${response.status} at ${provider.hostUri}/status`;
    answer = (await response.json()) as typeof answer;
  } catch (error) {
    return `cannot be reached at ${provider.hostUri} (${(error as Error).message})`;
  }
  if (answer.address !== provider.address || typeof answer.proof !== 'string')
    return `answers at ${provider.hostUri} without proving it is ${provider.address}`;
  try {
    const valid = verify(
      null,
      Buffer.from(statusProofText(provider.address, challenge)),
      publicKeyObject(provider.publicKey),
      Buffer.from(answer.proof, 'base64url'),
    );
    return valid ? undefined : `answers at ${provider.hostUri} with a proof its registered key did not sign`;
  } catch {
    return `answers at ${provider.hostUri} with a proof that is not a signature`;
  }
}
