import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** A host key as it travels: its type (`ssh-ed25519`) and the key blob. */
export interface HostKey {
  readonly type: string;
  readonly blob: Buffer;
}

/** What known_hosts says about a host's key. */
export type HostKeyVerdict =
  | { readonly status: 'known' }
  | { readonly status: 'unknown' }
  | {
      readonly status: 'changed';
      /** The fingerprints of the keys known_hosts has for the host. */
      readonly known: readonly string[];
      /** The file and line of the first of them, for the message. */
      readonly line: number;
    };

/** The name known_hosts files use for a host: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** A key's fingerprint as OpenSSH prints it: `SHA256:` and the unpadded base64 of its SHA-256. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type recorded in a key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}

/**
 * Checks a host's key against OpenSSH known_hosts files, as `ssh` does with `StrictHostKeyChecking`:
 * plain and hashed (`|1|salt|hash`) host names, `[host]:port`, comma-separated names, `@revoked` keys
 * (refused), and `@cert-authority` lines (not used for plain host keys). A host whose name is listed
 * with other keys of the same type has a changed key; listed only with keys of other types, it is
 * unknown for this type, as OpenSSH treats it.
 */
export async function checkHostKey(
  files: readonly string[],
  host: string,
  port: number,
  key: HostKey,
): Promise<HostKeyVerdict> {
  const name = knownHostsName(host, port);
  const others: string[] = [];
  let firstOther = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (const [index, raw] of lines.entries()) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const fields = line.split(/\s+/);
      let marker: string | undefined;
      if (fields[0]?.startsWith('@')) marker = fields.shift();
      const [names, type, encoded] = fields;
      if (names === undefined || type === undefined || encoded === undefined) continue;
      if (marker === '@cert-authority' || !namesMatch(names, name)) continue;
      const blob = Buffer.from(encoded, 'base64');
      const same = type === key.type && blob.equals(key.blob);
      if (marker === '@revoked') {
        if (same) return { status: 'changed', known: [], line: index + 1 };
        continue;
      }
      if (same) return { status: 'known' };
      if (type === key.type) {
        if (others.length === 0) firstOther = index + 1;
        others.push(fingerprintOf(blob));
      }
    }
  }
  return others.length > 0 ? { status: 'changed', known: others, line: firstOther } : { status: 'unknown' };
}

/** The key types known_hosts files record for a host, so the connection can ask for one of those. */
export async function knownKeyTypes(files: readonly string[], host: string, port: number): Promise<string[]> {
  const name = knownHostsName(host, port);
  const types = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const raw of text.split('\n')) {
      const fields = raw.trim().split(/\s+/);
      if (fields[0]?.startsWith('@')) continue;
      if (fields.length >= 3 && namesMatch(fields[0]!, name)) types.add(fields[1]!);
    }
  }
  return [...types];
}

/** Records a host's key at the end of a known_hosts file (created with its folder if missing). */
export async function recordHostKey(file: string, host: string, port: number, key: HostKey): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'utf8').catch(() => '');
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(
    file,
    `${separator}${knownHostsName(host, port)} ${key.type} ${key.blob.toString('base64')}\n`,
    {
      mode: 0o600,
    },
  );
}

/** Whether a known_hosts name field (plain names and patterns, or one hashed name) matches. */
function namesMatch(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (wildcardMatch(body, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH's patterns: `*` any run of characters, `?` one character. */
function wildcardMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${expression}$`).test(name);
}
