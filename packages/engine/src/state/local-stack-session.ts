import { randomBytes } from 'node:crypto';
import { type FileHandle, link, open, rename, rm } from 'node:fs/promises';
import type { LockHolder } from './lock-holder';
import type { StackLock } from './stack-lock';
import type { StackState } from './stack-state';
import {
  journalLine,
  type SnapshotFile,
  snapshotText,
  stackStateFiles,
  stateFormat,
  syncDirectory,
  writeFileDurably,
  writeStateHead,
} from './stack-state-files';
import type { StateChange } from './state-change';
import type { StateCodec } from './state-codec';
import type { StateSession } from './state-store';

interface QueuedChange {
  change: StateChange;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** How a {@link LocalStackSession} keeps its journal short. */
export interface CompactionPolicy {
  /**
   * Compact while recording once the journal holds this many changes, or as many as the stack has
   * resources if that is more: a snapshot costs what the whole state weighs, so waiting for as many
   * changes keeps the cost of snapshots in proportion to the changes (linear, not quadratic, in an
   * apply of a large stack) while the journal to replay stays no longer than the snapshot.
   */
  compactAfter: number;
  /** Compact on close once the journal holds at least this many changes (and as many as resources). */
  compactOnCloseAfter: number;
}

/**
 * A locked stack on local disk. Every change is appended to the journal as one JSON line, numbered and
 * checksummed, and made durable with `fdatasync` before `record` resolves; then the head file is set to
 * its number, so a journal that later loses records is noticed. Changes recorded while a write is in
 * flight are written together with one sync (group commit), so many resources applied at once cost few
 * syncs. When the journal grows long, the whole state is written as a new snapshot (to a temporary
 * file, synced, renamed over the old one) and a new journal generation starts; the previous snapshot
 * and its journal are kept as a backup (`snapshot.backup.json`), and older journals removed.
 */
export class LocalStackSession implements StateSession {
  readonly state: StackState;
  readonly staleLockHolder: LockHolder | undefined;
  readonly repaired: string | undefined;
  readonly #directory: string;
  readonly #codec: StateCodec;
  readonly #lock: StackLock;
  readonly #policy: CompactionPolicy;
  #journal: FileHandle;
  readonly #head: FileHandle;
  #generation: number;
  /** The number of the last change written. */
  #sequence: number;
  #journalEntries: number;
  #queue: QueuedChange[] = [];
  #draining: Promise<void> | undefined;
  #failure: unknown;
  #closed = false;

  constructor(options: {
    directory: string;
    state: StackState;
    codec: StateCodec;
    lock: StackLock;
    journal: FileHandle;
    head: FileHandle;
    generation: number;
    sequence: number;
    journalEntries: number;
    policy: CompactionPolicy;
    repaired?: string;
  }) {
    this.state = options.state;
    this.staleLockHolder = options.lock.staleHolder;
    this.repaired = options.repaired;
    this.#directory = options.directory;
    this.#codec = options.codec;
    this.#lock = options.lock;
    this.#journal = options.journal;
    this.#head = options.head;
    this.#generation = options.generation;
    this.#sequence = options.sequence;
    this.#journalEntries = options.journalEntries;
    this.#policy = options.policy;
  }

  record(change: StateChange): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The state session is closed.'));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.state.apply(change);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#draining;
      this.#closed = true;
      if (
        this.#failure === undefined &&
        this.#journalEntries >= Math.max(this.#policy.compactOnCloseAfter, this.state.resources.size)
      )
        await this.#compact();
    } finally {
      this.#closed = true;
      await this.#journal.close().catch(() => undefined);
      await this.#head.close().catch(() => undefined);
      await this.#lock.release();
    }
  }

  /**
   * Writes the whole state as a snapshot of the next generation now: how a format 1 state is moved to
   * the current format before anything is appended to it.
   */
  async compactNow(): Promise<void> {
    await this.#compact();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0);
        try {
          if (
            this.#journalEntries + batch.length >
            Math.max(this.#policy.compactAfter, this.state.resources.size)
          )
            await this.#compact();
          else await this.#append(batch);
        } catch (error) {
          this.#failure = error;
          for (const item of [...batch, ...this.#queue.splice(0)]) item.reject(error);
          return;
        }
        for (const item of batch) item.resolve();
      }
    } finally {
      this.#draining = undefined;
    }
  }

  async #append(batch: QueuedChange[]): Promise<void> {
    const changes = batch.map((item) => item.change);
    await this.#codec.prepareFor(changes);
    let text = '';
    let sequence = this.#sequence;
    for (const change of changes) {
      sequence += 1;
      text += journalLine(sequence, this.#codec.encodeChange(change));
    }
    await this.#journal.appendFile(text);
    await this.#journal.datasync();
    this.#sequence = sequence;
    this.#journalEntries += batch.length;
    await writeStateHead(this.#head, { generation: this.#generation, sequence });
  }

  /**
   * Writes the whole state as the next generation's snapshot. The in-memory state already includes the
   * batch being drained (changes are applied when recorded), so the snapshot makes it durable.
   */
  async #compact(): Promise<void> {
    // Taken before any await: exactly the changes recorded so far, the batch being drained included.
    const data = this.state.toData();
    await this.#codec.prepareForData(data);
    const generation = this.#generation + 1;
    const snapshot: SnapshotFile = {
      format: stateFormat,
      generation,
      sequence: this.#sequence,
      savedAt: new Date().toISOString(),
      ...this.#codec.encodeData(data),
    };
    const snapshotPath = stackStateFiles.snapshot(this.#directory);
    const temporaryPath = `${snapshotPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFileDurably(temporaryPath, snapshotText(snapshot));
    // The new journal exists before the snapshot that points at it.
    const journal = await open(stackStateFiles.journal(this.#directory, generation), 'w', 0o600);
    try {
      await this.#keepBackup();
      await rename(temporaryPath, snapshotPath);
      await syncDirectory(this.#directory);
    } catch (error) {
      await journal.close();
      await rm(temporaryPath, { force: true });
      throw error;
    }
    const previous = this.#journal;
    const superseded = stackStateFiles.journal(this.#directory, this.#generation - 1);
    this.#journal = journal;
    this.#generation = generation;
    this.#journalEntries = 0;
    await writeStateHead(this.#head, { generation, sequence: this.#sequence });
    await previous.close();
    // The previous journal stays with the backup snapshot it continues; the one before is in both.
    await rm(superseded, { force: true });
  }

  /** Keeps the current snapshot (if any) as `snapshot.backup.json`, replacing the previous backup. */
  async #keepBackup(): Promise<void> {
    const snapshotPath = stackStateFiles.snapshot(this.#directory);
    const temporaryPath = `${stackStateFiles.backupSnapshot(this.#directory)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await link(snapshotPath, temporaryPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // generation 0 has no snapshot
      throw error;
    }
    await rename(temporaryPath, stackStateFiles.backupSnapshot(this.#directory));
  }
}
