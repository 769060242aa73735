import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '@icl/backend-kit';
import type { InventoryNode } from '@icl/core';
import type { SshHost } from './ssh-host';

/** What is kept of one host's inventory: the entry and when it was read. */
interface CachedInventory {
  /** The login and address read (`user@hostname:port`): an alias pointed elsewhere is read again. */
  address: string;
  observedAt: string;
  node: InventoryNode;
}

/**
 * Each host's inventory as last read, kept in files under the backend's cache directory (one per
 * host), so `icl infra ls` and an SDK's repeated calls do not cost a round trip to every host of a
 * fleet each time. An entry older than `maximumAgeSeconds`, or for another address than the host's
 * now, is read again; so is every entry when the caller asks to refresh. Every read that reaches the
 * host (a run's placement too) updates the entry.
 */
export class HostInventoryCache {
  readonly #directory: string;
  readonly #maximumAgeMilliseconds: number;

  constructor(cacheDirectory: string, maximumAgeSeconds: number) {
    this.#directory = path.join(cacheDirectory, 'inventory');
    this.#maximumAgeMilliseconds = maximumAgeSeconds * 1000;
  }

  /**
   * The host's inventory entry and when it was read: the kept one while it is fresh and `refresh` is
   * not asked for, else `read()`'s, which is then kept.
   */
  async get(
    host: SshHost,
    read: () => Promise<InventoryNode>,
    options: { refresh?: boolean } = {},
  ): Promise<{ node: InventoryNode; observedAt: string }> {
    if (!options.refresh) {
      const kept = await this.#read(host);
      if (kept && Date.now() - Date.parse(kept.observedAt) <= this.#maximumAgeMilliseconds) return kept;
    }
    const node = await read();
    return this.put(host, node);
  }

  /** Keeps an entry just read from the host (by a run's placement), and returns it with its time. */
  async put(host: SshHost, node: InventoryNode): Promise<{ node: InventoryNode; observedAt: string }> {
    const entry: CachedInventory = { address: addressOf(host), observedAt: new Date().toISOString(), node };
    await fs.mkdir(this.#directory, { recursive: true, mode: 0o700 });
    await writeFileAtomically(this.#fileOf(host), `${JSON.stringify(entry)}\n`);
    return entry;
  }

  async #read(host: SshHost): Promise<CachedInventory | undefined> {
    try {
      const entry = JSON.parse(await fs.readFile(this.#fileOf(host), 'utf8')) as CachedInventory;
      return entry.address === addressOf(host) && typeof entry.observedAt === 'string' ? entry : undefined;
    } catch {
      // Never read, deleted, or cut short by a crash: read the host again.
      return undefined;
    }
  }

  #fileOf(host: SshHost): string {
    return path.join(this.#directory, `${encodeURIComponent(host.name)}.json`);
  }
}

function addressOf(host: SshHost): string {
  return `${host.user}@${host.hostname}:${host.port}`;
}
