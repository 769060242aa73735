import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { stackNamePattern } from '../declaration/stack-name-pattern';
import { LocalStackSession } from './local-stack-session';
import type { LockHolder } from './lock-holder';
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
      if (loaded.journalLength === 0) await syncDirectory(directory);
      return new LocalStackSession({
        directory,
        state: loaded.state,
        codec,
        lock,
        journal,
        generation: loaded.generation,
        journalEntries: loaded.journalEntries,
        policy: {
          compactAfter: this.#options.compactAfter ?? 10_000,
          compactOnCloseAfter: Math.min(this.#options.compactAfter ?? 10_000, 1_000),
        },
      });
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

/** Journals of other generations and temporary snapshots left by a crash in the middle of a compaction. */
async function removeLeftovers(directory: string, generation: number): Promise<void> {
  const current = `journal.${generation}.jsonl`;
  const entries = await readdir(directory);
  await Promise.all(
    entries
      .filter(
        (entry) =>
          (entry.startsWith('journal.') && entry.endsWith('.jsonl') && entry !== current) ||
          entry.startsWith('snapshot.json.tmp-'),
      )
      .map((entry) => rm(join(directory, entry), { force: true })),
  );
}
