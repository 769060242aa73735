import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileExclusively, writeFileAtomically } from '@icl/backend-kit/files';
import { InvalidArgumentError, RunNotFoundError, type RunRecord } from '@icl/core';
import { isRunIdText } from './run-id';
import { RunRecordUnreadableError } from './run-record-unreadable-error';

const recordSuffix = '.json';

/**
 * The embedded, durable run store: one JSON file per run under `<state>/runs/<id>.json`. Records are
 * written before a run starts and updated as it ends, each write atomic, so `icl runs`, `icl logs` and
 * `getRun()` work from any later process, and a crash never leaves a half-written record.
 */
export class RunStore {
  /** The folder holding one `<id>.json` per run. */
  readonly directory: string;

  /** @param stateDirectory ICL's state directory; records go to its `runs` folder. */
  constructor(stateDirectory: string) {
    this.directory = join(stateDirectory, 'runs');
  }

  /**
   * Stores a new record.
   *
   * @throws InvalidArgumentError when a record with the same id exists already.
   */
  async create(record: RunRecord): Promise<RunRecord> {
    await mkdir(this.directory, { recursive: true });
    if (!(await createFileExclusively(this.#path(record.id), serialize(record)))) {
      throw new InvalidArgumentError({
        argument: 'id',
        message: `A run with id ${record.id} exists already.`,
        hint: 'Let ICL choose run ids.',
      });
    }
    return record;
  }

  /**
   * Finds a run by its full id or by a prefix of it, as users type in `icl logs mfx3`.
   *
   * @throws RunNotFoundError when nothing matches.
   * @throws InvalidArgumentError listing the candidates when a prefix matches several runs.
   */
  async get(idOrPrefix: string): Promise<RunRecord> {
    const wanted = idOrPrefix.trim().toLowerCase();
    const exact = isRunIdText(wanted) ? await this.#read(wanted) : undefined;
    if (exact) return exact;
    const matches = isRunIdText(wanted) ? (await this.#ids()).filter((id) => id.startsWith(wanted)) : [];
    if (matches.length === 1) {
      const record = await this.#read(matches[0] as string);
      if (record) return record;
    }
    if (matches.length > 1) {
      const shown = matches.sort().reverse().slice(0, 10);
      throw new InvalidArgumentError({
        argument: 'id',
        message: `Run id prefix "${idOrPrefix}" matches ${matches.length} runs: ${shown.join(', ')}${matches.length > shown.length ? ', …' : ''}.`,
        hint: 'Type more characters of the id.',
      });
    }
    throw new RunNotFoundError({
      runId: idOrPrefix,
      message: `No run with id "${idOrPrefix}".`,
      hint: 'Run `icl runs` to see the recorded runs.',
    });
  }

  /**
   * Every record, newest first. A record that cannot be read (damaged, edited by hand, cut short) is
   * left out and passed to `onDamaged` with its file and what is wrong, so one bad file never hides
   * the others and is never passed over in silence.
   */
  async list(onDamaged?: (damage: DamagedRunRecord) => void): Promise<RunRecord[]> {
    const records = await Promise.all(
      (await this.#ids()).map((id) =>
        this.#read(id).catch((error: unknown) => {
          if (!RunRecordUnreadableError.isInstance(error)) throw error;
          onDamaged?.({ file: error.file, problem: error.message });
          return undefined;
        }),
      ),
    );
    return records
      .filter((record): record is RunRecord => record !== undefined)
      .sort(
        (left, right) => right.createdAt.localeCompare(left.createdAt) || right.id.localeCompare(left.id),
      );
  }

  /**
   * Changes a record: reads it, lets `mutate` change a copy, and writes it
   * back atomically.
   *
   * @throws RunNotFoundError when no record has this exact id.
   */
  async update(id: string, mutate: (draft: RunRecord) => void): Promise<RunRecord> {
    const current = await this.#read(id);
    if (!current) {
      throw new RunNotFoundError({
        runId: id,
        message: `No run with id "${id}".`,
        hint: 'Run `icl runs` to see the recorded runs.',
      });
    }
    const draft = structuredClone(current);
    mutate(draft);
    await writeFileAtomically(this.#path(id), serialize(draft));
    return draft;
  }

  /**
   * Replaces a record this process created and nobody else can have changed yet (the run's id was not
   * shown to anyone), without reading it first.
   */
  async replace(record: RunRecord): Promise<RunRecord> {
    await writeFileAtomically(this.#path(record.id), serialize(record));
    return record;
  }

  /**
   * Deletes a record, for a run the backend refused before starting anything (bad input): such a run
   * never existed, so it must not show up in `icl runs`.
   */
  async remove(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
  }

  #path(id: string): string {
    return join(this.directory, `${id}${recordSuffix}`);
  }

  async #ids(): Promise<string[]> {
    const names = await readdir(this.directory).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names
      .filter((name) => name.endsWith(recordSuffix))
      .map((name) => name.slice(0, -recordSuffix.length));
  }

  async #read(id: string): Promise<RunRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(id), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
    const file = this.#path(id);
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      throw damaged(file, 'is not valid JSON');
    }
    const problem = runRecordProblem(record);
    if (problem) throw damaged(file, `is not a run record ICL wrote (${problem})`);
    return record as RunRecord;
  }
}

/** A run record {@link RunStore.list} could not read: its file, and what is wrong with it. */
export interface DamagedRunRecord {
  file: string;
  problem: string;
}

/** What every run record has, checked before anything reads it; the first field missing or wrong. */
function runRecordProblem(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not a JSON object';
  const fields = record as Record<string, unknown>;
  for (const name of ['id', 'createdAt', 'infrastructure', 'backend', 'description', 'runtimeHash'])
    if (typeof fields[name] !== 'string') return `${name}: must be a string`;
  const program = fields.program as Record<string, unknown> | undefined;
  if (typeof program !== 'object' || program === null || typeof program.kind !== 'string')
    return 'program: must be an object with a kind';
  const state = fields.state as Record<string, unknown> | undefined;
  if (typeof state !== 'object' || state === null || typeof state.status !== 'string')
    return 'state: must be an object with a status';
  return undefined;
}

function damaged(file: string, what: string): RunRecordUnreadableError {
  return new RunRecordUnreadableError({
    file,
    message: `The run record ${file} ${what}.`,
    hint: 'Move the file away (or delete it) if the run no longer matters; the other runs are unaffected.',
  });
}

function serialize(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
