import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.run-not-found';
const symbol = Symbol.for(marker);

/** Options of {@link RunNotFoundError}. */
export interface RunNotFoundErrorOptions extends IclErrorOptions {
  /** The id or prefix that was asked for. */
  runId: string;
}

/**
 * No run record matches the id (or id prefix) that was given.
 */
export class RunNotFoundError extends IclError {
  protected readonly [symbol] = true;

  /** The id or prefix that was asked for. */
  readonly runId: string;

  constructor(options: RunNotFoundErrorOptions) {
    super('run-not-found', options);
    this.name = 'RunNotFoundError';
    this.runId = options.runId;
  }

  /** Whether `error` is a {@link RunNotFoundError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is RunNotFoundError {
    return IclError.hasMarker(error, marker);
  }
}
