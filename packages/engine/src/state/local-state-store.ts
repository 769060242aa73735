import { constants } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { stackNamePattern } from '../declaration/stack-name-pattern';
import { LocalStackSession } from './local-stack-session';
import type { LockHolder } from './lock-holder';
import { restoreStackState, type StateRestoreReport } from './restore-stack-state';
import { SecretCipher, type SecretCipherOptions } from './secret-cipher';
import { acquireStackLock, readStackLock, removeStackLock } from './stack-lock';
import type { StackState } from './stack-state';
import { loadStackState, stackStateFiles, syncDirectory } from './stack-state-files';
import { StateCodec } from './state-codec';
import type { StackSummary, StateSession, StateStore } from './state-store';

/** Options of {@link createLocalStateStore}. */
export interface LocalStateStoreOptions extends SecretCipherOptions {
  /** The directory holding one directory per stack (`<ICL state directory>/stacks`). */
  directory: string;
  /**
   * Write a new snapshot once the journal holds this many changes during an apply (default 10,000), or
   * as many changes as the stack has resources when that is more. Lower values keep the journal
   * shorter at the cost of more snapshot writes.
   */
  compactAfter?: number;
}

/**
 * The embedded default state store: one directory per stack under `directory`, holding a snapshot,
 * an append-only journal of changes since it, and the lock file. See {@link LocalStackSession} for how
 * changes are made durable and {@link loadStackState} for how they are read back.
 */
export function createLocalStateStore(options: LocalStateStoreOptions): StateStore {
  return new LocalStateStore(options);
}

class LocalStateStore implements StateStore {
  readonly location: string;
  readonly #options: LocalStateStoreOptions;

  constructor(options: LocalStateStoreOptions) {
    this.location = options.directory;
    this.#options = options;
  }

  async listStacks(): Promise<StackSummary[]> {
    const names = await readdir(this.location).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const summaries = await Promise.all(
      names
        .filter((name) => stackNamePattern.test(name))
        .sort()
        .map(async (name): Promise<StackSummary | undefined> => {
          const directory = join(this.location, name);
          const entries = await readdir(directory).catch(() => [] as string[]);
          if (!entries.some((entry) => entry === 'snapshot.json' || entry.startsWith('journal.')))
            return undefined;
          // Counted with secrets left sealed: listing stacks needs no key.
          const { state } = await loadStackState(directory, name, undefined, false);
          const times = await Promise.all(
            entries
              .filter((entry) => entry === 'snapshot.json' || entry.endsWith('.jsonl'))
              .map((entry) =>
                stat(join(directory, entry)).then(
                  (info) => info.mtimeMs,
                  () => 0,
                ),
              ),
          );
          const lock = await readStackLock(stackStateFiles.lock(directory));
          const updated = Math.max(0, ...times);
          return {
            name,
            resources: state.allResources().length,
            ...(updated > 0 && { updatedAt: new Date(updated).toISOString() }),
            ...(lock && { lock }),
          };
        }),
    );
    return summaries.filter((summary): summary is StackSummary => summary !== undefined);
  }

  async read(stack: string): Promise<StackState> {
    const directory = this.#directoryOf(stack);
    return (await loadStackState(directory, stack, this.#codec(stack), false)).state;
  }

  async open(stack: string, command: string): Promise<StateSession> {
    const directory = this.#directoryOf(stack);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const lock = await acquireStackLock(stackStateFiles.lock(directory), stack, command);
    try {
      const codec = this.#codec(stack);
      const loaded = await loadStackState(directory, stack, codec, true);
      await removeLeftovers(directory, loaded.generation);
      const journalPath = stackStateFiles.journal(directory, loaded.generation);
      const journal = await open(journalPath, 'a', 0o600);
      // Written in place at offset 0, so not opened for appending.
      const head = await open(stackStateFiles.head(directory), constants.O_RDWR | constants.O_CREAT, 0o600);
      if (loaded.journalLength === 0) await syncDirectory(directory);
      const session = new LocalStackSession({
        directory,
        state: loaded.state,
        codec,
        lock,
        journal,
        head,
        generation: loaded.generation,
        sequence: loaded.sequence,
        journalEntries: loaded.journalEntries,
        policy: {
          compactAfter: this.#options.compactAfter ?? 10_000,
          compactOnCloseAfter: Math.min(this.#options.compactAfter ?? 10_000, 1_000),
        },
        ...(loaded.repaired ? { repaired: loaded.repaired } : {}),
      });
      // A format 1 state gets a snapshot of the current format before anything is appended to it.
      if (loaded.legacy) await session.compactNow();
      return session;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  lockHolder(stack: string): Promise<LockHolder | undefined> {
    return readStackLock(stackStateFiles.lock(this.#directoryOf(stack)));
  }

  unlock(stack: string): Promise<LockHolder | undefined> {
    return removeStackLock(stackStateFiles.lock(this.#directoryOf(stack)));
  }

  async restore(stack: string): Promise<StateRestoreReport> {
    const directory = this.#directoryOf(stack);
    const lock = await acquireStackLock(stackStateFiles.lock(directory), stack, 'state restore');
    try {
      return await restoreStackState(directory, stack);
    } finally {
      await lock.release();
    }
  }

  #directoryOf(stack: string): string {
    if (!stackNamePattern.test(stack))
      throw new InvalidArgumentError({
        argument: 'stack',
        message: `Invalid stack name "${stack}".`,
        hint: 'Stack names start with a letter or digit and hold only letters, digits, ".", "_" and "-".',
      });
    return join(this.location, stack);
  }

  #codec(stack: string): StateCodec {
    return new StateCodec(new SecretCipher(this.#options, stack));
  }
}

/**
 * What a crash in the middle of a compaction leaves: temporary snapshots, and the empty journal of a
 * generation whose snapshot was never put in place (loading refuses a journal of a later generation
 * that holds anything). Journals older than the backup's are in both snapshots; the backup's own
 * journal (the previous generation) is kept with it.
 */
async function removeLeftovers(directory: string, generation: number): Promise<void> {
  const entries = await readdir(directory);
  const leftovers = entries.filter((entry) => {
    if (entry.startsWith('snapshot.json.tmp-') || entry.startsWith('snapshot.backup.json.tmp-')) return true;
    const found = /^journal\.(\d+)\.jsonl$/.exec(entry)?.[1];
    return found !== undefined && (Number(found) < generation - 1 || Number(found) > generation);
  });
  await Promise.all(leftovers.map((entry) => rm(join(directory, entry), { force: true })));
}
