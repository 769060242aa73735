import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.resource-unavailable';
const symbol = Symbol.for(marker);

/** Options of {@link ResourceUnavailableError}. */
export interface ResourceUnavailableErrorOptions extends IclErrorOptions {
  /** What is missing, in the user's terms (`GPU H100`, `memory`). */
  resource: string;
}

/**
 * The request is valid and the backend supports it, but the resources are not there right now or at
 * all (no GPU of that model, too few free GPUs, not enough memory).
 */
export class ResourceUnavailableError extends IclError {
  protected readonly [symbol] = true;

  /** What is missing, in the user's terms (`GPU H100`, `memory`). */
  readonly resource: string;

  constructor(options: ResourceUnavailableErrorOptions) {
    super('resource-unavailable', options);
    this.name = 'ResourceUnavailableError';
    this.resource = options.resource;
  }

  /** Whether `error` is a {@link ResourceUnavailableError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is ResourceUnavailableError {
    return IclError.hasMarker(error, marker);
  }
}
