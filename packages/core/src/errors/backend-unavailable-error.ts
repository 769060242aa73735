import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.backend-unavailable';
const symbol = Symbol.for(marker);

/** Options of {@link BackendUnavailableError}. */
export interface BackendUnavailableErrorOptions extends IclErrorOptions {
  /** The backend that could not be used. */
  backendName: string;
}

/**
 * The backend cannot be reached or used right now: a daemon that is not running, an interpreter that
 * is not installed, a cluster that does not answer. The hint says how to start or install it.
 */
export class BackendUnavailableError extends IclError {
  protected readonly [symbol] = true;

  /** The backend that could not be used. */
  readonly backendName: string;

  constructor(options: BackendUnavailableErrorOptions) {
    super('backend-unavailable', options);
    this.name = 'BackendUnavailableError';
    this.backendName = options.backendName;
  }

  /** Whether `error` is a {@link BackendUnavailableError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is BackendUnavailableError {
    return IclError.hasMarker(error, marker);
  }
}
