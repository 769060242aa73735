import path from 'node:path';
import { RunDirectory } from '@icl/backend-kit';

/**
 * Where the files of one local run live, under one directory, so any process that knows it can follow,
 * stop or clean up the run: those of every kit run directory (record, final state, stop request, and
 * the output, which the program writes here itself) and the local backend's own.
 */
export class LocalRunDirectory extends RunDirectory<unknown> {
  /** The program's isolated working directory. */
  get work(): string {
    return path.join(this.root, 'work');
  }

  /** How the program's process ended, written by its supervisor (see {@link ProcessExit}). */
  get exit(): string {
    return path.join(this.root, 'exit.json');
  }

  /** The JSON return value of a function program (where the function bootstrap writes it). */
  get result(): string {
    return path.join(this.root, 'result.json');
  }

  /** Keyword parameters of a function program. */
  get parameters(): string {
    return path.join(this.root, 'parameters.json');
  }
}

/** How a program's process ended, as its supervisor saw it. */
export interface ProcessExit {
  /** Its exit code; for a process killed by a signal, 128 + the signal's number. */
  exitCode?: number;
  /** Why it could not be started, if it could not. */
  error?: string;
  /** Whether the supervisor stopped it at the run's timeout. */
  timedOut: boolean;
  /** When it ended, ISO 8601. */
  endedAt: string;
}
