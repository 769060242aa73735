import { open, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '@icl/core';
import { StateUnreadableError } from '../errors/state-unreadable-error';
import { StackState, type StackStateData } from './stack-state';
import type { StateChange } from './state-change';
import type { StateCodec } from './state-codec';

/** The version of the snapshot and journal formats. */
export const stateFormat = 1;

/** The snapshot file as stored: the state data plus its generation. */
export interface SnapshotFile extends StackStateData {
  format: number;
  /** The journal generation that continues this snapshot: `journal.<generation>.jsonl`. */
  generation: number;
  savedAt: string;
}

/** What is on disk for one stack, read and replayed. */
export interface LoadedStackState {
  state: StackState;
  /** The current journal generation. */
  generation: number;
  /** How many changes the current journal holds. */
  journalEntries: number;
  /** The journal's length in bytes up to its last complete line. */
  journalLength: number;
}

/** The files of one stack's state: a snapshot, one journal per generation, and the lock. */
export const stackStateFiles = {
  snapshot: (directory: string) => join(directory, 'snapshot.json'),
  journal: (directory: string, generation: number) => join(directory, `journal.${generation}.jsonl`),
  lock: (directory: string) => join(directory, 'lock'),
};

/**
 * Reads a stack's state: the last snapshot, then the changes its journal recorded since. A last journal
 * line cut short (a crash in the middle of a write) is ignored, and cut off the file when `repair` is
 * set (only by the lock holder, before it appends). A damaged line anywhere else is an error.
 *
 * Readers do not lock: a compaction that replaces the snapshot while they read is detected (the
 * snapshot file changed) and the read is repeated. Without a codec, secrets stay sealed (for listings,
 * which need no key).
 */
export async function loadStackState(
  directory: string,
  stack: string,
  codec: StateCodec | undefined,
  repair: boolean,
): Promise<LoadedStackState> {
  for (let attempt = 0; ; attempt += 1) {
    const before = await snapshotIdentity(directory);
    const loaded = await loadOnce(directory, stack, codec, repair);
    const after = await snapshotIdentity(directory);
    if (before === after || attempt >= 10) return loaded;
  }
}

async function loadOnce(
  directory: string,
  stack: string,
  codec: StateCodec | undefined,
  repair: boolean,
): Promise<LoadedStackState> {
  const snapshotPath = stackStateFiles.snapshot(directory);
  let data: StackStateData = { stack, nextIntent: 1, resources: [], obsolete: [], pending: [] };
  let generation = 0;
  const snapshotText = await readFile(snapshotPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (snapshotText !== undefined) {
    let snapshot: SnapshotFile;
    try {
      snapshot = JSON.parse(snapshotText) as SnapshotFile;
    } catch (error) {
      throw damaged(snapshotPath, 'is not valid JSON', error);
    }
    if (snapshot.format !== stateFormat) throw damaged(snapshotPath, `has unknown format ${snapshot.format}`);
    generation = snapshot.generation;
    data = codec ? await codec.decodeData(snapshot, snapshotPath) : snapshot;
  }
  const state = StackState.fromData(data);

  const journalPath = stackStateFiles.journal(directory, generation);
  const journalText = await readFile(journalPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const lines = journalText.split('\n');
  let journalLength = 0;
  let journalEntries = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const isLast = index === lines.length - 1 || (index === lines.length - 2 && lines.at(-1) === '');
    if (line === '' && index === lines.length - 1) break;
    let change: StateChange;
    try {
      change = JSON.parse(line) as StateChange;
      if (typeof (change as unknown as JsonObject).kind !== 'string') throw new Error('no kind');
    } catch (error) {
      // Only the last line can be cut short by a crash; it was never acknowledged as durable.
      if (isLast) break;
      throw damaged(`${journalPath}:${index + 1}`, 'holds a line that is not a recorded change', error);
    }
    if (index === lines.length - 1) break; // no newline after it: its write did not finish
    state.apply(!codec || codec.isPlain(change) ? change : await codec.decodeChange(change, journalPath));
    journalLength += Buffer.byteLength(line) + 1;
    journalEntries += 1;
  }
  if (repair && journalLength < Buffer.byteLength(journalText)) await truncate(journalPath, journalLength);
  return { state, generation, journalEntries, journalLength };
}

async function snapshotIdentity(directory: string): Promise<string> {
  try {
    const info = await stat(stackStateFiles.snapshot(directory));
    return `${info.ino}:${info.mtimeMs}:${info.size}`;
  } catch {
    return 'none';
  }
}

function damaged(file: string, what: string, cause?: unknown): StateUnreadableError {
  return new StateUnreadableError({
    file,
    message: `The state file ${file} ${what}.`,
    hint: 'Restore it from a backup, or move the stack directory away to start the stack anew.',
    cause,
  });
}

/** Flushes a directory's entries (a created or renamed file) to disk. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
