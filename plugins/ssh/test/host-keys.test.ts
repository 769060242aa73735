import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSshBackend } from '../src/index';
import { hostSettings, testHost } from './testbed-hosts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-ssh-keys-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** What `icl infra ls` would hit first: the host's inventory, with the given known_hosts. */
async function inventoryWith(knownHostsFile: string, acceptNewHostKeys = false) {
  const backend = createSshBackend(hostSettings('python', { knownHostsFile, acceptNewHostKeys }), {
    stateDirectory: path.join(root, 'state'),
    cacheDirectory: path.join(root, 'cache'),
  });
  try {
    return await backend.inventory();
  } finally {
    await backend.close?.();
  }
}

describe('host keys are checked against known_hosts, as ssh does', () => {
  const host = testHost('python');

  test('an unknown host key is refused with its fingerprint and the command that accepts it', async () => {
    const knownHosts = path.join(root, 'empty_known_hosts');
    await writeFile(knownHosts, '');
    const error = (await inventoryWith(knownHosts).catch((thrown: unknown) => thrown)) as Error & {
      hint: string;
    };
    expect(error.message).toBe(
      `The host key of ${host.user}@${host.address} (${host.address}:22) is not in ${knownHosts}: ssh-ed25519 ${host.fingerprint}. Nothing was sent.`,
    );
    expect(error.hint).toContain(`ssh-keyscan -p 22 -t ssh-ed25519 ${host.address} >> ${knownHosts}`);
    expect(await readFile(knownHosts, 'utf8')).toBe('');
  });

  test('a changed host key is refused, naming the known one and how to remove it, even with accept-new', async () => {
    const knownHosts = path.join(root, 'changed_known_hosts');
    // Another real key for the same address: the gpu host's.
    const other = testHost('gpu').knownHostsLine.split(' ').slice(1).join(' ');
    await writeFile(knownHosts, `# a comment\n${host.address} ${other}\n`);
    const error = (await inventoryWith(knownHosts, true).catch((thrown: unknown) => thrown)) as Error & {
      hint: string;
    };
    expect(error.message).toBe(
      `The host key of ${host.user}@${host.address} (${host.address}:22) has changed: it is now ssh-ed25519 ${host.fingerprint}, but ${knownHosts}:2 has ${testHost('gpu').fingerprint}. Someone may be intercepting the connection, or the host was reinstalled; nothing was sent.`,
    );
    expect(error.hint).toContain(`ssh-keygen -R '${host.address}' -f ${knownHosts}`);
  });

  test('accept-new accepts an unknown key once and records it; the recorded key is then checked', async () => {
    const knownHosts = path.join(root, 'new_known_hosts');
    const inventory = await inventoryWith(knownHosts, true);
    expect(inventory.nodes.map((node) => node.name)).toEqual([`${host.user}@${host.address}`]);
    expect(await readFile(knownHosts, 'utf8')).toBe(`${host.knownHostsLine}\n`);
    expect((await inventoryWith(knownHosts)).nodes).toHaveLength(1);
  });

  test('a hashed known_hosts entry (ssh-keygen -H) is recognised', async () => {
    const { createHmac, randomBytes } = await import('node:crypto');
    const salt = randomBytes(20);
    const hashed = createHmac('sha1', salt).update(host.address).digest('base64');
    const knownHosts = path.join(root, 'hashed_known_hosts');
    await writeFile(
      knownHosts,
      `|1|${salt.toString('base64')}|${hashed} ${host.knownHostsLine.split(' ').slice(1).join(' ')}\n`,
    );
    expect((await inventoryWith(knownHosts)).nodes).toHaveLength(1);
  });
});
