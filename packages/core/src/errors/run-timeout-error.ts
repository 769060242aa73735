import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.run-timed-out';
const symbol = Symbol.for(marker);

/** Options of {@link RunTimeoutError}. */
export interface RunTimeoutErrorOptions extends IclErrorOptions {
  /** The run that timed out. */
  runId: string;
  /** The limit that was exceeded. */
  timeoutMilliseconds: number;
}

/**
 * A run exceeded its timeout and was stopped. Raised by `wait()` and `result()` of a timed-out run.
 */
export class RunTimeoutError extends IclError {
  protected readonly [symbol] = true;

  /** The run that timed out. */
  readonly runId: string;
  /** The limit that was exceeded. */
  readonly timeoutMilliseconds: number;

  constructor(options: RunTimeoutErrorOptions) {
    super('run-timed-out', options);
    this.name = 'RunTimeoutError';
    this.runId = options.runId;
    this.timeoutMilliseconds = options.timeoutMilliseconds;
  }

  /** Whether `error` is a {@link RunTimeoutError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is RunTimeoutError {
    return IclError.hasMarker(error, marker);
  }
}
