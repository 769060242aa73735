import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LogStream, RunState, RunStatus, ServiceEndpoint } from '@icl/core';

/** What the backend records about a run when it submits it. */
export interface KubernetesRunRecord {
  /** The run's id. */
  runId: string;
  /** The namespace of the run's objects. */
  namespace: string;
  /** The name of its Job or Deployment (and of its ConfigMap, Secret and Service). */
  name: string;
  /** Whether it is a Job (a program) or a Deployment with a Service (a service). */
  workload: 'job' | 'service';
  /** The marker that frames stderr and results in the container's output. */
  outputMarker: string;
  /** The image it runs. */
  image: string;
  /** Whether a function's JSON result comes back in the output. */
  returnsResult: boolean;
  /** The timeout, for the reason of a timed-out run. */
  timeoutMilliseconds?: number;
  /** Where a service answers on this machine, once it is ready. */
  endpoints?: ServiceEndpoint[];
  /** The process that forwards a service's ports to this machine. */
  portForwardProcess?: number;
}

/** Why a run was stopped by ICL rather than ending by itself, recorded before its objects are deleted. */
export interface StopRequest {
  /** The status the run ends with. */
  status: Extract<RunStatus, 'cancelled' | 'failed'>;
  /** Why, for `state.reason`. */
  reason: string;
}

const readBytes = 1024 * 1024;

/**
 * The files a run keeps on the caller's machine, under `<stateDirectory>/runs/<runId>/`: its record, and
 * once it has ended its final state, its complete output and a function's result. The cluster's Job and
 * pods are deleted when the end is recorded, so these are what `icl logs` and `icl status` read later.
 * The environment is never written here (it lives in the run's Secret in the cluster).
 *
 * The final state is created once, exclusively, so whichever process records the end first decides how
 * the run ended; every other file is replaced atomically.
 */
export class KubernetesRunDirectory {
  constructor(readonly root: string) {}

  get record(): string {
    return path.join(this.root, 'run.json');
  }

  get finalState(): string {
    return path.join(this.root, 'final-state.json');
  }

  get stopRequest(): string {
    return path.join(this.root, 'stop-request.json');
  }

  /** Where a service's port-forwarding process writes the ports it listens on. */
  get forwardedPorts(): string {
    return path.join(this.root, 'forwarded-ports.json');
  }

  /** Where a service's port-forwarding process writes what went wrong. */
  get portForwardLog(): string {
    return path.join(this.root, 'port-forward.log');
  }

  output(stream: LogStream): string {
    return path.join(this.root, `${stream}.log`);
  }

  async readRecord(): Promise<KubernetesRunRecord | undefined> {
    return readJson<KubernetesRunRecord>(this.record);
  }

  async writeRecord(record: KubernetesRunRecord): Promise<void> {
    await writeAtomically(this.record, `${JSON.stringify(record)}\n`);
  }

  async readFinalState(): Promise<RunState | undefined> {
    return readJson<RunState>(this.finalState);
  }

  /** Records how the run ended, unless another process already did; returns the state that stands. */
  async writeFinalState(state: RunState): Promise<RunState> {
    const temporary = temporaryName(this.finalState);
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

  async readStopRequest(): Promise<StopRequest | undefined> {
    return readJson<StopRequest>(this.stopRequest);
  }

  /** Keeps the complete output of an ended run; each file appears whole or not at all. */
  async writeOutput(output: Record<LogStream, Buffer>): Promise<void> {
    await Promise.all(
      (['stdout', 'stderr'] as const).map((stream) => writeAtomically(this.output(stream), output[stream])),
    );
  }

  /** The persisted output from the given byte offsets on, stdout first; missing files read as empty. */
  async *readOutput(
    offsets: Readonly<Record<LogStream, number>>,
  ): AsyncGenerator<{ stream: LogStream; bytes: Buffer }> {
    for (const stream of ['stdout', 'stderr'] as const) {
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

  /** The ports a service's forwarding process listens on, once it does. */
  async readForwardedPorts(): Promise<{ process: number; ports: Record<string, number> } | undefined> {
    return readJson(this.forwardedPorts);
  }
}

/** Writes `content` to `file` so that readers see the old or the new content, never a part. */
export async function writeAtomically(file: string, content: string | Buffer): Promise<void> {
  const temporary = temporaryName(file);
  await fs.writeFile(temporary, content);
  await fs.rename(temporary, file);
}

function temporaryName(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
