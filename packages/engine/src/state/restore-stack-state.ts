import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StateUnreadableError } from '../errors/state-unreadable-error';
import { StackState, type StackStateData } from './stack-state';
import {
  isLegacyLine,
  journalGenerations,
  readHead,
  readJournalLine,
  readOptional,
  type SnapshotFile,
  snapshotProblem,
  snapshotText,
  stackStateFiles,
  stateFormat,
  syncDirectory,
  writeFileDurably,
  writeStateHead,
} from './stack-state-files';

/** What `icl state restore` rebuilt a stack's state from, and how far it got. */
export interface StateRestoreReport {
  /** The generation of the backup snapshot it started from (0: the stack's beginning). */
  fromGeneration: number;
  /** The number of the last change replayed: the restored state is the stack's as of that change. */
  sequence: number;
  /** The number of the last change the head says was recorded, when it says more than was replayed. */
  recordedSequence?: number;
  /** Why it stopped before the end of the history, with the file and record, when it did. */
  stoppedAt?: string;
  /** How many resources the restored state records. */
  resources: number;
  /** Where the files it replaced were moved (never deleted). */
  movedTo: string;
}

/**
 * Rebuilds a stack's state from the previous generation ICL keeps: the backup snapshot, its journal,
 * and every later journal while the changes follow on intact (numbered in order, checksums matching).
 * The result is written as a new snapshot of the next generation, and every file it replaces is moved
 * to a `damaged-<time>` folder beside it, so nothing is lost even when the restore goes less far than
 * the damaged files did. The caller holds the stack's lock.
 *
 * @throws StateUnreadableError when there is no backup to start from.
 */
export async function restoreStackState(directory: string, stack: string): Promise<StateRestoreReport> {
  const backupPath = stackStateFiles.backupSnapshot(directory);
  const backupText = await readOptional(backupPath);
  const journals = await journalGenerations(directory);
  let data: StackStateData = { stack, nextIntent: 1, resources: [], obsolete: [], pending: [] };
  let generation = 0;
  let sequence = 0;
  let legacy = false;
  if (backupText !== undefined) {
    let backup: SnapshotFile;
    try {
      backup = JSON.parse(backupText) as SnapshotFile;
    } catch {
      throw noBackup(backupPath, 'is not valid JSON');
    }
    const problem = snapshotProblem(backup);
    if (problem) throw noBackup(backupPath, `is damaged too (${problem})`);
    data = backup;
    generation = backup.generation;
    sequence = backup.sequence ?? 0;
    legacy = backup.format === 1;
  } else if (!journals.includes(0)) {
    throw noBackup(
      backupPath,
      'is missing, and so is journal.0.jsonl: there is no earlier generation to rebuild from',
    );
  }
  const state = StackState.fromData(data);
  let stoppedAt: string | undefined;
  // The backup's journal, then each later one: a compaction starts the next one where the last ended.
  for (let current = generation; journals.includes(current) && stoppedAt === undefined; current += 1) {
    const journalPath = stackStateFiles.journal(directory, current);
    const lines = ((await readOptional(journalPath)) ?? '').split('\n');
    for (let index = 0; index < lines.length - 1; index += 1) {
      const line = lines[index]!;
      legacy ||= current === 0 && index === 0 && isLegacyLine(line);
      const read = readJournalLine(line, legacy);
      const expected = sequence + 1;
      if (read.problem !== undefined || (read.sequence !== undefined && read.sequence !== expected)) {
        stoppedAt = `${journalPath}:${index + 1} ${read.problem ?? `holds change #${read.sequence} where #${expected} comes next`}`;
        break;
      }
      // Secrets stay sealed: the new snapshot holds them as the journal did.
      state.apply(read.change!);
      sequence = read.sequence ?? expected;
    }
    // Changes after a format 1 journal are numbered from where it ended.
    legacy = false;
  }

  const head = await readHead(directory);
  const moved = join(directory, `damaged-${new Date().toISOString().replaceAll(':', '-')}`);
  await mkdir(moved, { recursive: true, mode: 0o700 });
  const replaced = [
    stackStateFiles.snapshot(directory),
    backupPath,
    ...journals.map((found) => stackStateFiles.journal(directory, found)),
  ];
  for (const file of replaced)
    await rename(file, join(moved, file.slice(directory.length + 1))).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      },
    );
  const nextGeneration = Math.max(generation, ...journals, head?.generation ?? 0) + 1;
  const snapshot = {
    format: stateFormat,
    generation: nextGeneration,
    sequence,
    savedAt: new Date().toISOString(),
    ...state.toData(),
  };
  const snapshotPath = stackStateFiles.snapshot(directory);
  await writeFileDurably(`${snapshotPath}.tmp-restore`, snapshotText(snapshot));
  await writeFileDurably(stackStateFiles.journal(directory, nextGeneration), '');
  await rename(`${snapshotPath}.tmp-restore`, snapshotPath);
  await syncDirectory(directory);
  const headHandle = await open(stackStateFiles.head(directory), 'w', 0o600);
  try {
    await writeStateHead(headHandle, { generation: nextGeneration, sequence });
  } finally {
    await headHandle.close();
  }
  const recorded = head && head.sequence > sequence ? head.sequence : undefined;
  return {
    fromGeneration: generation,
    sequence,
    ...(recorded !== undefined ? { recordedSequence: recorded } : {}),
    ...(stoppedAt !== undefined ? { stoppedAt } : {}),
    resources: state.allResources().length,
    movedTo: moved,
  };
}

function noBackup(file: string, what: string): StateUnreadableError {
  return new StateUnreadableError({
    file,
    message: `Cannot restore: the backup ${file} ${what}.`,
    hint: 'Put back the state files from a backup of your own, or move the stack directory away to start the stack anew (then icl import what exists).',
  });
}
