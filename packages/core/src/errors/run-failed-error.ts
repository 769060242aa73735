import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.run-failed';
const symbol = Symbol.for(marker);

/** Options of {@link RunFailedError}. */
export interface RunFailedErrorOptions extends IclErrorOptions {
  /** The run that failed. */
  runId: string;
  /** The final status (`failed` or `cancelled`). */
  status: string;
  /** The program's exit code, when it exited on its own. */
  exitCode?: number;
}

/**
 * A run ended in `failed` or `cancelled` and its result was asked for. Carries the exit code so
 * callers can tell a crash from a deliberate non-zero exit.
 */
export class RunFailedError extends IclError {
  protected readonly [symbol] = true;

  /** The run that failed. */
  readonly runId: string;
  /** The final status (`failed` or `cancelled`). */
  readonly status: string;
  /** The program's exit code, when it exited on its own. */
  readonly exitCode: number | undefined;

  constructor(options: RunFailedErrorOptions) {
    super('run-failed', options);
    this.name = 'RunFailedError';
    this.runId = options.runId;
    this.status = options.status;
    this.exitCode = options.exitCode;
  }

  /** Whether `error` is a {@link RunFailedError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is RunFailedError {
    return IclError.hasMarker(error, marker);
  }
}
