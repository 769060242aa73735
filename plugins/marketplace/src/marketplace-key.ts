import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '@icl/core';

/**
 * An identity on the marketplace: an Ed25519 key pair. Tenants, providers and order-book operators
 * each have one; the public key travels with every signed request, and the address derived from it
 * is who owns orders, bids and leases.
 */
export interface MarketplaceKey {
  /** `0x` and 40 hex digits: the last 20 bytes of the SHA-256 of the raw public key. */
  readonly address: string;
  /** The raw 32-byte public key, base64url. */
  readonly publicKey: string;
  /** Signs `data` with the private key; the signature is base64url. */
  sign(data: Buffer | string): string;
}

/** The address of a raw Ed25519 public key given as base64url. */
export function addressOfPublicKey(publicKey: string): string {
  const raw = Buffer.from(publicKey, 'base64url');
  return `0x${createHash('sha256').update(raw).digest('hex').slice(-40)}`;
}

/** A public key object from its raw base64url form, for verifying signatures. */
export function publicKeyObject(publicKey: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

/** Generates a key that lives only in memory (tests, throw-away identities). */
export function generateMarketplaceKey(): MarketplaceKey {
  return keyFrom(generateKeyPairSync('ed25519').privateKey);
}

/**
 * Reads the key in `file` (PKCS #8 PEM), or creates it there on first use, readable by its owner only
 * (mode 0600), in a folder only its owner can enter. Two processes creating it at once end up with
 * the same key: the file is created exclusively, and the loser reads the winner's.
 *
 * @throws InvalidArgumentError when the file exists but is not an Ed25519 private key, or is readable by others.
 */
export async function loadOrCreateMarketplaceKey(file: string): Promise<MarketplaceKey> {
  try {
    return await readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const privateKey = generateKeyPairSync('ed25519').privateKey;
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'wx', 0o600);
    await handle.writeFile(pem);
    await handle.sync();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file);
    throw error;
  } finally {
    await handle?.close();
  }
  return keyFrom(privateKey);
}

async function readKeyFile(file: string): Promise<MarketplaceKey> {
  const handle = await open(file, 'r');
  try {
    const { mode } = await handle.stat();
    if ((mode & 0o077) !== 0) {
      throw new InvalidArgumentError({
        argument: 'keyFile',
        message: `The marketplace key ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}).`,
        hint: `Make it private with \`chmod 600 ${file}\`.`,
      });
    }
    const pem = await handle.readFile('utf8');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch (error) {
      throw notAKey(file, error);
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw notAKey(file);
    return keyFrom(privateKey);
  } finally {
    await handle.close();
  }
}

function notAKey(file: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'keyFile',
    message: `${file} is not an Ed25519 private key in PEM form.`,
    hint: 'Point keyFile at a key ICL created, or remove the file to have a new key created.',
    cause,
  });
}

/** Reads a key file without creating one (for `icl` commands that must not mint a new identity). */
export async function readMarketplaceKey(file: string): Promise<MarketplaceKey> {
  return readKeyFile(file);
}

function keyFrom(privateKey: KeyObject): MarketplaceKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = String(jwk.x);
  return {
    address: addressOfPublicKey(publicKey),
    publicKey,
    sign: (data) =>
      sign(null, Buffer.isBuffer(data) ? data : Buffer.from(data), privateKey).toString('base64url'),
  };
}
