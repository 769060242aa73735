import { promises as fs } from 'node:fs';
import { temporaryName, writeFileAtomically } from '@icl/backend-kit/files';
import type { RunState } from '@icl/core';
import type { LocalRunDirectory } from './local-run-directory';

/** The state of a local run on disk: the public state plus what is needed to find its processes. */
export interface LocalRunState extends RunState {
  /** The process that records the run's end (the CLI for attached runs, a supervisor for detached ones). */
  supervisorPid?: number;
  /** The program's process group, which holds its whole process tree. */
  processGroupId?: number;
  /** GPU indices assigned through `CUDA_VISIBLE_DEVICES`. */
  gpus?: string[];
}

/** Writes the live (non-terminal) state. */
export async function writeLiveState(directory: LocalRunDirectory, state: LocalRunState): Promise<void> {
  await writeFileAtomically(directory.state, `${JSON.stringify(state)}\n`);
}

/**
 * Records how the run ended, unless something else already did. Returns the state that stands: a
 * canceller and the supervisor may race to end a run, and the first one wins for good.
 */
export async function writeFinalState(
  directory: LocalRunDirectory,
  state: LocalRunState,
): Promise<LocalRunState> {
  const temporary = temporaryName(directory.finalState);
  await fs.writeFile(temporary, `${JSON.stringify(state)}\n`);
  try {
    await fs.link(temporary, directory.finalState);
    return state;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFinalState(directory)) ?? state;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/** The terminal state, if the run has ended. */
export async function readFinalState(directory: LocalRunDirectory): Promise<LocalRunState | undefined> {
  return readJson(directory.finalState);
}

/** The latest state: terminal if the run has ended, else live. */
export async function readLocalRunState(directory: LocalRunDirectory): Promise<LocalRunState | undefined> {
  return (await readFinalState(directory)) ?? (await readJson<LocalRunState>(directory.state));
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
