import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { link, mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JsonValue } from '@icl/core';
import { StateUnreadableError } from '../errors/state-unreadable-error';

/** Where the key that encrypts secrets in state comes from. */
export interface SecretCipherOptions {
  /**
   * A passphrase (`ICL_STATE_PASSPHRASE`): the key is derived from it with scrypt, so state can be
   * moved to another machine and opened there with the same passphrase.
   */
  passphrase?: string;
  /**
   * The key file used without a passphrase: 32 random bytes, created on first use with mode 0600
   * (`~/.config/icl/state.key`).
   */
  keyFile: string;
}

/** The property a sealed value is stored under, so a reader can tell it from an ordinary object. */
export const sealedProperty = 'icl:secret';

const version = 'v1';
const algorithm = 'aes-256-gcm';

/**
 * Encrypts secret values for the state files with AES-256-GCM, so a state directory that is copied,
 * backed up or shared never shows a secret. The stack name is bound in as associated data: a sealed
 * value copied into another stack's state does not open.
 */
export class SecretCipher {
  readonly #options: SecretCipherOptions;
  readonly #associatedData: Buffer;
  readonly #derivedKeys = new Map<string, Promise<Buffer>>();
  #keyFileKey: Promise<Buffer> | undefined;
  #sealingKey: { key: Buffer; prefix: string } | undefined;

  constructor(options: SecretCipherOptions, stack: string) {
    this.#options = options;
    this.#associatedData = Buffer.from(`icl-stack:${stack}`);
  }

  /** Loads or creates the key; {@link seal} needs it. */
  async prepare(): Promise<void> {
    if (this.#sealingKey) return;
    if (this.#options.passphrase) {
      const salt = randomBytes(16).toString('base64url');
      this.#sealingKey = { key: await this.#derive(salt), prefix: `${version}.p.${salt}` };
    } else {
      this.#sealingKey = { key: await this.#keyFile(true), prefix: `${version}.k` };
    }
  }

  /** The sealed form of a value: `{ "icl:secret": "v1.…" }`. Call {@link prepare} first. */
  seal(value: JsonValue): JsonValue {
    if (!this.#sealingKey) throw new Error('SecretCipher.prepare() must be awaited before seal().');
    const iv = randomBytes(12);
    const cipher = createCipheriv(algorithm, this.#sealingKey.key, iv);
    cipher.setAAD(this.#associatedData);
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    const text = [
      this.#sealingKey.prefix,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      data.toString('base64url'),
    ].join('.');
    return { [sealedProperty]: text };
  }

  /** The value inside a sealed form. */
  async open(sealed: JsonValue, file: string): Promise<JsonValue> {
    const text =
      sealed !== null && typeof sealed === 'object' && !Array.isArray(sealed)
        ? sealed[sealedProperty]
        : undefined;
    const parts = typeof text === 'string' ? text.split('.') : [];
    let key: Buffer;
    let rest: string[];
    if (parts[0] === version && parts[1] === 'k') {
      key = await this.#keyFile(false, file);
      rest = parts.slice(2);
    } else if (parts[0] === version && parts[1] === 'p' && parts[2]) {
      if (!this.#options.passphrase)
        throw new StateUnreadableError({
          file,
          message: `The state in ${file} holds secrets encrypted with a passphrase, and ICL_STATE_PASSPHRASE is not set.`,
          hint: 'Set ICL_STATE_PASSPHRASE to the passphrase the stack was applied with.',
        });
      key = await this.#derive(parts[2]);
      rest = parts.slice(3);
    } else {
      throw new StateUnreadableError({
        file,
        message: `The state in ${file} holds a secret in an unknown format.`,
        hint: 'The state was written by a newer ICL, or damaged; update ICL or restore the file from a backup.',
      });
    }
    try {
      const [iv = '', tag = '', data = ''] = rest;
      const decipher = createDecipheriv(algorithm, key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(this.#associatedData);
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as JsonValue;
    } catch (error) {
      throw new StateUnreadableError({
        file,
        message: `A secret in ${file} cannot be decrypted with the ${parts[1] === 'p' ? 'passphrase in ICL_STATE_PASSPHRASE' : `key in ${this.#options.keyFile}`}.`,
        hint:
          parts[1] === 'p'
            ? 'Set ICL_STATE_PASSPHRASE to the passphrase the stack was applied with.'
            : `Restore the key file ${this.#options.keyFile} the stack was applied with.`,
        cause: error,
      });
    }
  }

  #derive(salt: string): Promise<Buffer> {
    let key = this.#derivedKeys.get(salt);
    if (!key) {
      const passphrase = this.#options.passphrase ?? '';
      key = new Promise<Buffer>((resolve, reject) =>
        scrypt(passphrase, Buffer.from(salt, 'base64url'), 32, (error, derived) =>
          error ? reject(error) : resolve(derived),
        ),
      );
      this.#derivedKeys.set(salt, key);
    }
    return key;
  }

  #keyFile(create: boolean, file?: string): Promise<Buffer> {
    this.#keyFileKey ??= loadKeyFile(this.#options.keyFile, create, file);
    return this.#keyFileKey;
  }
}

async function loadKeyFile(path: string, create: boolean, stateFile?: string): Promise<Buffer> {
  const read = async () => Buffer.from((await readFile(path, 'utf8')).trim(), 'hex');
  try {
    const key = await read();
    if (key.length === 32) return key;
    throw new StateUnreadableError({
      file: path,
      message: `The state key file ${path} does not hold a 32-byte key.`,
      hint: 'Restore the key file, or set ICL_STATE_PASSPHRASE if the state was written with one.',
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!create)
      throw new StateUnreadableError({
        file: stateFile ?? path,
        message: `The state in ${stateFile ?? path} holds secrets encrypted with the key file ${path}, which does not exist.`,
        hint: 'Restore that key file, or set ICL_CONFIG to the configuration the stack was applied with.',
      });
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Written whole beside the target, then linked into place: two processes creating it at once agree on
  // the first one's key, and no reader ever sees a half-written file.
  const temporaryPath = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const handle = await open(temporaryPath, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(32).toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporaryPath, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(temporaryPath, { force: true });
  }
  return read();
}
