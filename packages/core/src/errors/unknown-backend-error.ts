import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.unknown-backend';
const symbol = Symbol.for(marker);

/** Options of {@link UnknownBackendError}. */
export interface UnknownBackendErrorOptions extends IclErrorOptions {
  /** The name that was asked for. */
  backendName: string;
  /** The names that are registered or installed. */
  availableBackends: readonly string[];
}

/**
 * A backend was asked for by name, but no plugin with that name is registered or installed.
 *
 * The message lists the backends that are available, so the user can see a typo or a missing install.
 */
export class UnknownBackendError extends IclError {
  protected readonly [symbol] = true;

  /** The name that was asked for. */
  readonly backendName: string;
  /** The names that are registered or installed. */
  readonly availableBackends: readonly string[];

  constructor(options: UnknownBackendErrorOptions) {
    super('unknown-backend', options);
    this.name = 'UnknownBackendError';
    this.backendName = options.backendName;
    this.availableBackends = options.availableBackends;
  }

  /** Whether `error` is a {@link UnknownBackendError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is UnknownBackendError {
    return IclError.hasMarker(error, marker);
  }
}
