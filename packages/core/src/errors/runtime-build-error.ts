import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.runtime-build-failed';
const symbol = Symbol.for(marker);

/** Options of {@link RuntimeBuildError}. */
export interface RuntimeBuildErrorOptions extends IclErrorOptions {
  /** The content hash of the runtime that failed to build. */
  runtimeHash: string;
}

/**
 * Building a runtime failed: a pip package that does not exist, an image that cannot be built. The
 * message carries the tail of the build output so the user sees the real cause.
 */
export class RuntimeBuildError extends IclError {
  protected readonly [symbol] = true;

  /** The content hash of the runtime that failed to build. */
  readonly runtimeHash: string;

  constructor(options: RuntimeBuildErrorOptions) {
    super('runtime-build-failed', options);
    this.name = 'RuntimeBuildError';
    this.runtimeHash = options.runtimeHash;
  }

  /** Whether `error` is a {@link RuntimeBuildError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is RuntimeBuildError {
    return IclError.hasMarker(error, marker);
  }
}
