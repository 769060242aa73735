import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.unsupported-capability';
const symbol = Symbol.for(marker);

/** Options of {@link UnsupportedCapabilityError}. */
export interface UnsupportedCapabilityErrorOptions extends IclErrorOptions {
  /** The backend that lacks the capability. */
  backendName: string;
  /** The capability that is missing (`gpus`, `services`, …). */
  capability: string;
}

/**
 * A program asks for something the chosen backend declares it cannot do (GPUs on a machine without
 * any, services on a batch-only backend). Raised before anything is started.
 */
export class UnsupportedCapabilityError extends IclError {
  protected readonly [symbol] = true;

  /** The backend that lacks the capability. */
  readonly backendName: string;
  /** The capability that is missing (`gpus`, `services`, …). */
  readonly capability: string;

  constructor(options: UnsupportedCapabilityErrorOptions) {
    super('unsupported-capability', options);
    this.name = 'UnsupportedCapabilityError';
    this.backendName = options.backendName;
    this.capability = options.capability;
  }

  /** Whether `error` is a {@link UnsupportedCapabilityError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is UnsupportedCapabilityError {
    return IclError.hasMarker(error, marker);
  }
}
