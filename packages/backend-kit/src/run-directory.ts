import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type LogStream, RunNotFoundError, type RunState } from '@icl/core';
import { createFileExclusively } from './create-file-exclusively';
import { readJsonFile } from './read-json-file';
import type { StopRequest } from './stop-request';
import { temporaryName } from './temporary-name';
import { writeFileAtomically } from './write-file-atomically';

/** Bytes a run wrote to one of its streams. */
export interface OutputBytes {
  /** The stream they were written to. */
  stream: LogStream;
  /** The bytes, as written (a chunk may end inside a multi-byte character). */
  bytes: Buffer;
}

const streams = ['stdout', 'stderr'] as const;
const readBytes = 1024 * 1024;

/**
 * The files a run keeps on the caller's machine (usually `<stateDirectory>/runs/<runId>/`) when the
 * run itself lives in a remote system that forgets it once it ends: a Docker daemon removes the
 * container, a Kubernetes cluster deletes the Job and its pods. The record says where to find the run
 * while it lives; the final state and the complete output are what `icl status` and `icl logs` read
 * afterwards, from any process. Backends extend it with their own files.
 *
 * Several processes may watch the same run (the one that started it, `icl logs`, `icl status`), and
 * each may be the first to see it end. So the final state is created once, exclusively, and the first
 * writer decides how the run ended; a stop request is likewise kept from its first writer; every other
 * file is replaced atomically, so readers never see half of one. Secrets never belong here.
 *
 * @typeParam RunRecord - what the backend records about a run when it submits it.
 */
export class RunDirectory<RunRecord> {
  /** @param root - the directory; it is created by the backend, not by this class. */
  constructor(readonly root: string) {}

  /** The record written when the run is submitted (`run.json`). */
  get record(): string {
    return path.join(this.root, 'run.json');
  }

  /** The terminal state, once the run's end has been recorded (`final-state.json`). */
  get finalState(): string {
    return path.join(this.root, 'final-state.json');
  }

  /** Why the run was stopped by ICL, if it was (`stop-request.json`). */
  get stopRequest(): string {
    return path.join(this.root, 'stop-request.json');
  }

  /** The run's complete output on one stream (`stdout.log`, `stderr.log`), written before the final state. */
  output(stream: LogStream): string {
    return path.join(this.root, `${stream}.log`);
  }

  /**
   * Creates the directory (and the runs directory above it) for a new run. Refuses one that exists, so
   * two runs never share an id and a run's files are never mixed with another's.
   *
   * Returns the first folder it made (the runs directory itself, the first time), so a caller whose run
   * never started can remove everything it made.
   *
   * @throws InvalidArgumentError when a run with the directory's name (its id) already exists.
   */
  async create(): Promise<string> {
    // Recursive mkdir names the first folder it created, so none means the run's folder existed.
    const first = await fs.mkdir(this.root, { recursive: true });
    if (first === undefined) {
      throw new InvalidArgumentError({
        argument: 'runId',
        message: `A run with id ${path.basename(this.root)} already exists in ${path.dirname(this.root)}.`,
        hint: 'Give every run a new id.',
      });
    }
    return first;
  }

  /**
   * The record of a run the caller asks about by its handle, which must exist.
   *
   * @param runId - the run's id, for the error.
   * @param backendName - how the error names the backend (`docker`, `Kubernetes`).
   * @throws RunNotFoundError naming the directory looked in, when there is no record.
   */
  async requireRecord(runId: string, backendName: string): Promise<RunRecord> {
    const record = await this.readRecord();
    if (!record) {
      throw new RunNotFoundError({
        runId,
        message: `The ${backendName} backend has no record of run ${runId} (looked in ${this.root}).`,
        hint: 'The run directory was removed, or the run was started with another state directory.',
      });
    }
    return record;
  }

  /** The record, or undefined when there is none (the run directory was removed or never made). */
  async readRecord(): Promise<RunRecord | undefined> {
    return readJsonFile<RunRecord>(this.record);
  }

  /** Replaces the record atomically (it changes while a run lives, for example once a service is ready). */
  async writeRecord(record: RunRecord): Promise<void> {
    await writeFileAtomically(this.record, `${JSON.stringify(record)}\n`);
  }

  /** The terminal state, once the run's end has been recorded. */
  async readFinalState(): Promise<RunState | undefined> {
    return readJsonFile<RunState>(this.finalState);
  }

  /**
   * Records how the run ended, unless another process already did; returns the state that stands. The
   * file is created exclusively and whole, so the first writer wins and nobody reads half a state.
   */
  async writeFinalState(state: RunState): Promise<RunState> {
    if (await createFileExclusively(this.finalState, `${JSON.stringify(state)}\n`)) return state;
    return (await this.readFinalState()) ?? state;
  }

  /**
   * Records why the run is being stopped, before the remote system is told to stop it; the first
   * request stands (a cancel after a readiness failure does not change the reason).
   */
  async requestStop(request: StopRequest): Promise<void> {
    try {
      await fs.writeFile(this.stopRequest, JSON.stringify(request), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  /** Why the run was stopped, if it was. */
  async readStopRequest(): Promise<StopRequest | undefined> {
    return readJsonFile<StopRequest>(this.stopRequest);
  }

  /** Keeps the complete output of an ended run, already in memory; each file appears whole or not at all. */
  async writeOutput(output: Readonly<Record<LogStream, Buffer>>): Promise<void> {
    await Promise.all(streams.map((stream) => writeFileAtomically(this.output(stream), output[stream])));
  }

  /**
   * Keeps the complete output of an ended run as it streams from the remote system, without holding it
   * in memory: both streams go to temporary files, which replace the output files once `source` has
   * ended. If `source` throws, the output files are left as they were and the error is rethrown.
   */
  async writeOutputStream(source: AsyncIterable<OutputBytes>): Promise<void> {
    const temporaries = {
      stdout: temporaryName(this.output('stdout')),
      stderr: temporaryName(this.output('stderr')),
    };
    const handles = {
      stdout: await fs.open(temporaries.stdout, 'w'),
      stderr: await fs.open(temporaries.stderr, 'w'),
    };
    try {
      for await (const output of source) await handles[output.stream].write(output.bytes);
      await Promise.all([handles.stdout.close(), handles.stderr.close()]);
      await fs.rename(temporaries.stdout, this.output('stdout'));
      await fs.rename(temporaries.stderr, this.output('stderr'));
    } finally {
      await Promise.allSettled([handles.stdout.close(), handles.stderr.close()]);
      await fs.rm(temporaries.stdout, { force: true });
      await fs.rm(temporaries.stderr, { force: true });
    }
  }

  /**
   * The output from the given byte offsets on, stdout first, in chunks of up to 1 MiB, so a reader that
   * already delivered part of it live (following the remote system's stream) delivers only the rest.
   * Missing files (a run that never wrote output) read as empty.
   */
  async *readOutput(offsets: Readonly<Record<LogStream, number>>): AsyncGenerator<OutputBytes> {
    for (const stream of streams) {
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(this.output(stream), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      try {
        let position = offsets[stream];
        for (;;) {
          const buffer = Buffer.allocUnsafe(readBytes);
          const { bytesRead } = await handle.read(buffer, 0, readBytes, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          yield { stream, bytes: buffer.subarray(0, bytesRead) };
        }
      } finally {
        await handle.close();
      }
    }
  }
}
