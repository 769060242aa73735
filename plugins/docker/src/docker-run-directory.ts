import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunState, RunStatus, ServiceEndpoint } from '@icl/core';

/** What the backend records about a run when it creates its container. */
export interface DockerRunRecord {
  /** The container's name (`icl-<runId>`). */
  containerName: string;
  /** The image the container runs. */
  image: string;
  /** Whether a function program's JSON result is to be read back from the container. */
  returnsResult: boolean;
  /** The run's timeout, which tells a timed-out exit from the program's own exit code 124. */
  timeoutMilliseconds?: number;
  /** The published ports of a service, once it is ready. */
  endpoints?: ServiceEndpoint[];
  /**
   * Whether the run's files are bind-mounted from the run directory's `files` folder (which then goes
   * when the container does) rather than copied into the container.
   */
  filesMounted?: boolean;
}

/** Why a run was stopped from outside, recorded before the container is stopped. */
export interface StopRequest {
  /** The status the run ends with. */
  status: Extract<RunStatus, 'cancelled' | 'failed'>;
  /** Why, for `state.reason`. */
  reason: string;
}

/**
 * The files a run keeps on the caller's machine, under `<stateDirectory>/runs/<runId>/`: its record,
 * its final state and its complete output, and while it runs, the copies of its files that its
 * container mounts. Containers are removed when a run ends, so these are what `icl logs` and
 * `icl status` read later, from any process.
 *
 * The final state is created once, exclusively: whichever process records the end first decides how
 * the run ended, and every file is replaced atomically, so readers never see half of one.
 */
export class DockerRunDirectory {
  constructor(readonly root: string) {}

  /** The record written when the container is created. */
  get record(): string {
    return path.join(this.root, 'run.json');
  }

  /** The terminal state. */
  get finalState(): string {
    return path.join(this.root, 'final-state.json');
  }

  /** The program's complete standard output, written before the final state. */
  get stdout(): string {
    return path.join(this.root, 'stdout.log');
  }

  /** The program's complete standard error, written before the final state. */
  get stderr(): string {
    return path.join(this.root, 'stderr.log');
  }

  /** The run's files staged for bind mounts, when they are mounted rather than copied in. */
  get files(): string {
    return path.join(this.root, 'files');
  }

  /** Why the run was stopped (cancel, a service that never became ready). */
  get stopRequest(): string {
    return path.join(this.root, 'stop-request.json');
  }

  /** A unique temporary name next to `file`, for atomic replacement. */
  temporary(file: string): string {
    return `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  }

  /** The record, or undefined when the run directory does not exist. */
  async readRecord(): Promise<DockerRunRecord | undefined> {
    return readJson<DockerRunRecord>(this.record);
  }

  /** Replaces the record atomically. */
  async writeRecord(record: DockerRunRecord): Promise<void> {
    await writeFileAtomically(this.record, `${JSON.stringify(record)}\n`);
  }

  /** The terminal state, once the run's end has been recorded. */
  async readFinalState(): Promise<RunState | undefined> {
    return readJson<RunState>(this.finalState);
  }

  /**
   * Records how the run ended, unless another process already did; returns the state that stands.
   */
  async writeFinalState(state: RunState): Promise<RunState> {
    const temporary = this.temporary(this.finalState);
    await fs.writeFile(temporary, `${JSON.stringify(state)}\n`);
    try {
      await fs.link(temporary, this.finalState);
      return state;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await this.readFinalState()) ?? state;
      throw error;
    } finally {
      await fs.rm(temporary, { force: true });
    }
  }

  /** Records why the run is being stopped; the first request stands. */
  async requestStop(request: StopRequest): Promise<void> {
    try {
      await fs.writeFile(this.stopRequest, JSON.stringify(request), { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  /** Why the run was stopped, if it was. */
  async readStopRequest(): Promise<StopRequest | undefined> {
    return readJson<StopRequest>(this.stopRequest);
  }
}

/** Writes `content` to `file` so that readers see the old or the new content, never a part. */
export async function writeFileAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.writeFile(temporary, content);
  await fs.rename(temporary, file);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
