import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.unknown-infrastructure';
const symbol = Symbol.for(marker);

/** Options of {@link UnknownInfrastructureError}. */
export interface UnknownInfrastructureErrorOptions extends IclErrorOptions {
  /** The name that was asked for. */
  infrastructureName: string;
  /** The names that are defined. */
  availableInfrastructures: readonly string[];
}

/**
 * An infrastructure was named (`--on gpu-lab`) that the settings file does not define and that is not a
 * backend name either.
 */
export class UnknownInfrastructureError extends IclError {
  protected readonly [symbol] = true;

  /** The name that was asked for. */
  readonly infrastructureName: string;
  /** The names that are defined. */
  readonly availableInfrastructures: readonly string[];

  constructor(options: UnknownInfrastructureErrorOptions) {
    super('unknown-infrastructure', options);
    this.name = 'UnknownInfrastructureError';
    this.infrastructureName = options.infrastructureName;
    this.availableInfrastructures = options.availableInfrastructures;
  }

  /** Whether `error` is a {@link UnknownInfrastructureError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is UnknownInfrastructureError {
    return IclError.hasMarker(error, marker);
  }
}
