import { createHash } from 'node:crypto';
import { type FileHandle, open, readdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { StateUnreadableError } from '../errors/state-unreadable-error';
import { stackStateDataProblem, stateChangeProblem } from './check-state-record';
import { StackState, type StackStateData } from './stack-state';
import type { StateChange } from './state-change';
import type { StateCodec } from './state-codec';

/**
 * The version of the snapshot and journal formats. Format 2 numbers every change and checksums it, and
 * keeps a head file, so a state that lost records is refused instead of read as a smaller one. Format 1
 * (unnumbered changes) is still read; the first session that writes to it moves it to format 2.
 */
export const stateFormat = 2;

/** The snapshot file as stored: the state data plus where it stands in the stack's history. */
export interface SnapshotFile extends StackStateData {
  format: number;
  /** The journal generation that continues this snapshot: `journal.<generation>.jsonl`. */
  generation: number;
  /** The number of the last change it includes (format 2); the journal goes on from the next one. */
  sequence?: number;
  savedAt: string;
  /** The first 16 hex digits of the SHA-256 of the file's JSON without this field (format 2). */
  checksum?: string;
}

/** The text of a snapshot file: its JSON with its checksum last. */
export function snapshotText(snapshot: Omit<SnapshotFile, 'checksum'>): string {
  const text = JSON.stringify(snapshot);
  return JSON.stringify({ ...snapshot, checksum: textChecksum(text) });
}

/** Whether a parsed snapshot's checksum matches the rest of it (format 2; format 1 had none). */
function snapshotChecksumMatches(snapshot: SnapshotFile): boolean {
  if (snapshot.format === 1) return true;
  const { checksum, ...rest } = snapshot;
  return checksum === textChecksum(JSON.stringify(rest));
}

function textChecksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** One line of a format 2 journal: a change with its number in the stack's history and a checksum. */
interface JournalRecord {
  sequence: number;
  /** The first 16 hex digits of the SHA-256 of the change's JSON, as written. */
  checksum: string;
  change: StateChange;
}

/**
 * Where the state's history stood after the last write that was acknowledged: the generation and the
 * number of its last durable change. It is written after each journal write is on disk, so it can lag
 * behind the journal after a crash but is never ahead of it, unless records were lost.
 */
export interface StateHead {
  generation: number;
  sequence: number;
}

/** What is on disk for one stack, read and replayed. */
export interface LoadedStackState {
  state: StackState;
  /** The current journal generation. */
  generation: number;
  /** The number of the last change read (0 when there is none). */
  sequence: number;
  /** How many changes the current journal holds. */
  journalEntries: number;
  /** The journal's length in bytes up to its last complete line. */
  journalLength: number;
  /** Whether the files are format 1: the next writer moves them to format 2 before appending. */
  legacy: boolean;
  /** What reading repaired (a torn last record cut off), for the user; set only when `repair` was. */
  repaired?: string;
}

/** The files of one stack's state: a snapshot, one journal per generation, the head, the lock. */
export const stackStateFiles = {
  snapshot: (directory: string) => join(directory, 'snapshot.json'),
  /** The previous generation's snapshot, kept with its journal as a backup (`icl state restore`). */
  backupSnapshot: (directory: string) => join(directory, 'snapshot.backup.json'),
  journal: (directory: string, generation: number) => join(directory, `journal.${generation}.jsonl`),
  head: (directory: string) => join(directory, 'head'),
  lock: (directory: string) => join(directory, 'lock'),
};

/** The size of the head file: one fixed-size write replaces it in place. */
const headBytes = 64;

/** The checksum of a change as the journal stores it. */
function changeChecksum(change: StateChange): string {
  return textChecksum(JSON.stringify(change));
}

/** A journal line for a change (already encoded for storage) numbered `sequence`. */
export function journalLine(sequence: number, change: StateChange): string {
  const record: JournalRecord = { sequence, checksum: changeChecksum(change), change };
  return `${JSON.stringify(record)}\n`;
}

/** Writes the head in place (one write of a fixed size; not synced, see {@link StateHead}). */
export async function writeStateHead(handle: FileHandle, head: StateHead): Promise<void> {
  const text = JSON.stringify(head);
  await handle.write(`${text}${' '.repeat(headBytes - 1 - text.length)}\n`, 0);
}

/**
 * Reads a stack's state: the last snapshot, then the changes its journal recorded since.
 *
 * The state must be whole: a snapshot whose journal is missing, a journal whose snapshot is missing,
 * a gap or a damaged record anywhere, or a journal that ends before the head says it did, is refused
 * with the file, the record and what to do, and nothing is changed. The one damage a crash causes on
 * its own, a last record whose write had not finished (never acknowledged: the head does not count it),
 * is ignored, and cut off the file when `repair` is set (only by the lock holder, before it appends),
 * which is then reported in `repaired`.
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
  const head = await readHead(directory);
  let data: StackStateData = { stack, nextIntent: 1, resources: [], obsolete: [], pending: [] };
  let generation = 0;
  let sequence = 0;
  let legacy = false;
  const snapshotText = await readOptional(snapshotPath);
  if (snapshotText === undefined) {
    const journals = await journalGenerations(directory);
    const continued = journals.find((found) => found > 0);
    if (continued !== undefined || (head && head.generation > 0))
      throw damaged(
        snapshotPath,
        `is missing, but the stack's history goes on from it (${continued === undefined ? `the head is at generation ${head?.generation}` : `journal.${continued}.jsonl continues it`})`,
        restoreHint(directory, stack),
      );
  } else {
    let snapshot: SnapshotFile;
    try {
      snapshot = JSON.parse(snapshotText) as SnapshotFile;
    } catch (error) {
      throw damaged(snapshotPath, 'is not valid JSON', restoreHint(directory, stack), error);
    }
    const problem = snapshotProblem(snapshot);
    if (problem)
      throw damaged(snapshotPath, `is not a snapshot ICL wrote (${problem})`, restoreHint(directory, stack));
    generation = snapshot.generation;
    legacy = snapshot.format === 1;
    sequence = snapshot.sequence ?? 0;
    if (head && head.generation > generation)
      throw damaged(
        snapshotPath,
        `is of generation ${generation}, but the stack's history reached generation ${head.generation}: it is an older copy`,
        restoreHint(directory, stack),
      );
    data = codec ? await codec.decodeData(snapshot, snapshotPath) : snapshot;
  }
  const state = StackState.fromData(data);

  // A compaction creates the next journal before it puts the snapshot that points at it in place, and
  // writes to it only after: a later journal with anything in it means the snapshot is older than it.
  for (const later of (await journalGenerations(directory)).filter((found) => found > generation)) {
    const size = (await stat(stackStateFiles.journal(directory, later)).catch(() => undefined))?.size ?? 0;
    if (size > 0)
      throw damaged(
        snapshotPath,
        `is of generation ${generation}, but journal.${later}.jsonl continues a later one: it is an older copy`,
        restoreHint(directory, stack),
      );
  }

  const journalPath = stackStateFiles.journal(directory, generation);
  const journalText = await readOptional(journalPath);
  if (journalText === undefined && generation > 0)
    throw damaged(
      journalPath,
      `is missing: it holds the changes after snapshot.json (generation ${generation})`,
      restoreHint(directory, stack),
    );
  // Where the head says this journal ended, when it says anything about it.
  const acknowledged = head?.generation === generation ? head.sequence : undefined;
  const lines = (journalText ?? '').split('\n');
  const complete = lines.length - 1; // the text after the last newline is not a complete line
  let journalLength = 0;
  let journalEntries = 0;
  let repaired: string | undefined;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const isComplete = index < complete;
    if (!isComplete && line === '') break;
    const location = `${journalPath}:${index + 1}`;
    const expected = sequence + 1;
    const read = readJournalLine(line, legacy || (generation === 0 && index === 0 && isLegacyLine(line)));
    if (index === 0 && generation === 0 && read.change && read.sequence === undefined) legacy = true;
    const problem =
      read.problem ??
      (read.sequence !== undefined && read.sequence !== expected
        ? `holds change #${read.sequence} where #${expected} comes next: ${read.sequence > expected ? `changes #${expected} to #${read.sequence - 1} are missing` : 'a change is repeated'}`
        : undefined);
    if (problem === undefined && isComplete) {
      const change = read.change!;
      state.apply(!codec || codec.isPlain(change) ? change : await codec.decodeChange(change, journalPath));
      journalLength += Buffer.byteLength(line) + 1;
      journalEntries += 1;
      sequence = read.sequence ?? sequence + 1;
      continue;
    }
    // The last record may be the torn end of a write that never finished, if no one was told it was
    // recorded (the head does not count it). Anything else is damage.
    const isLast = index === lines.length - 1 || (index === complete - 1 && lines.at(-1) === '');
    const unacknowledged = acknowledged === undefined || acknowledged < expected;
    // A torn write leaves a line cut short or garbled, never a sound record with the wrong number.
    const torn = !isComplete || read.problem !== undefined;
    if (isLast && unacknowledged && torn) {
      if (repair) {
        repaired = `The last record of ${location} was cut short by a crash before it was recorded; it was removed.`;
      }
      break;
    }
    throw damaged(
      location,
      problem === undefined ? `ends in the middle of change #${expected}, which was recorded` : problem,
      restoreHint(directory, stack),
    );
  }
  if (acknowledged !== undefined && acknowledged > sequence)
    throw damaged(
      journalPath,
      `ends at change #${sequence}, but changes up to #${acknowledged} were recorded: the journal lost its last ${acknowledged - sequence} change${acknowledged - sequence === 1 ? '' : 's'}`,
      restoreHint(directory, stack),
    );
  if (repair && journalText !== undefined && journalLength < Buffer.byteLength(journalText))
    await truncate(journalPath, journalLength);
  return {
    state,
    generation,
    sequence,
    journalEntries,
    journalLength,
    legacy,
    ...(repaired ? { repaired } : {}),
  };
}

/**
 * What a journal line holds: the change and its number, or what is wrong with it. A `legacy` (format 1)
 * line is a bare change without a number.
 */
export function readJournalLine(
  line: string,
  legacy: boolean,
): { change?: StateChange; sequence?: number; problem?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { problem: 'holds a line that is not a recorded change' };
  }
  if (legacy) {
    const problem = stateChangeProblem(parsed);
    return problem
      ? { problem: `holds a change ICL did not write (${problem})` }
      : { change: parsed as StateChange };
  }
  const record = parsed as Partial<JournalRecord> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    !Number.isSafeInteger(record.sequence) ||
    typeof record.checksum !== 'string'
  )
    return { problem: 'holds a line that is not a recorded change (no sequence number or checksum)' };
  if (changeChecksum(record.change as StateChange) !== record.checksum)
    return { problem: `holds change #${record.sequence}, whose checksum does not match: it was altered` };
  const problem = stateChangeProblem(record.change);
  if (problem)
    return { problem: `holds change #${record.sequence}, which ICL did not write (change.${problem})` };
  return { change: record.change as StateChange, sequence: record.sequence! };
}

/** Whether a journal line is a format 1 change (unnumbered): journals written before format 2. */
export function isLegacyLine(line: string): boolean {
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    return typeof parsed === 'object' && parsed !== null && 'kind' in parsed && !('sequence' in parsed);
  } catch {
    return false;
  }
}

/** What is wrong with a parsed snapshot file (format, generation, checksum, then its data), if anything. */
export function snapshotProblem(snapshot: SnapshotFile): string | undefined {
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot))
    return 'not a JSON object';
  if (snapshot.format !== 1 && snapshot.format !== stateFormat)
    return `format ${JSON.stringify(snapshot.format)}, which this version of ICL does not know`;
  if (!Number.isSafeInteger(snapshot.generation) || snapshot.generation < 1)
    return `generation: must be a whole number from 1, not ${JSON.stringify(snapshot.generation)}`;
  if (snapshot.format === stateFormat && (!Number.isSafeInteger(snapshot.sequence) || snapshot.sequence! < 0))
    return `sequence: must be a whole number, not ${JSON.stringify(snapshot.sequence)}`;
  if (!snapshotChecksumMatches(snapshot)) return 'its checksum does not match: it was altered';
  return stackStateDataProblem(snapshot);
}

/** The stack's head, or undefined when it has none or it is unreadable (a head torn by a power cut). */
export async function readHead(directory: string): Promise<StateHead | undefined> {
  const text = await readOptional(stackStateFiles.head(directory));
  if (text === undefined) return undefined;
  try {
    const head = JSON.parse(text) as StateHead;
    if (Number.isSafeInteger(head.generation) && Number.isSafeInteger(head.sequence)) return head;
  } catch {
    // A head torn by a power cut says nothing; the journal's own numbers and checksums still hold.
  }
  return undefined;
}

/** The generations of the journals in a stack's directory. */
export async function journalGenerations(directory: string): Promise<number[]> {
  const entries = await readdir(directory).catch(() => [] as string[]);
  return entries
    .map((entry) => /^journal\.(\d+)\.jsonl$/.exec(entry)?.[1])
    .filter((generation): generation is string => generation !== undefined)
    .map(Number)
    .sort((left, right) => left - right);
}

/** A file's text, or undefined when it does not exist. */
export async function readOptional(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

async function snapshotIdentity(directory: string): Promise<string> {
  try {
    const info = await stat(stackStateFiles.snapshot(directory));
    return `${info.ino}:${info.mtimeMs}:${info.size}`;
  } catch {
    return 'none';
  }
}

/** What to do about a damaged state: restore the kept previous generation, or start over. */
function restoreHint(directory: string, stack: string): string {
  return `Nothing was changed. Put back the file from a backup if you have one; or run icl state restore ${stack} to rebuild the state from the previous generation ICL keeps (snapshot.backup.json and its journal in ${directory}); or move ${directory} away to start the stack anew.`;
}

function damaged(file: string, what: string, hint: string, cause?: unknown): StateUnreadableError {
  return new StateUnreadableError({ file, message: `The state file ${file} ${what}.`, hint, cause });
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

/** Writes a new file (the user's own, 0600) and flushes it to disk before resolving. */
export async function writeFileDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
