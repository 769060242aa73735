import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.unsupported-specification-version';
const symbol = Symbol.for(marker);

/** Options of {@link UnsupportedSpecificationVersionError}. */
export interface UnsupportedSpecificationVersionErrorOptions extends IclErrorOptions {
  /** The version the plugin declared. */
  specificationVersion: string;
  /** The versions this core understands. */
  supportedVersions: readonly string[];
}

/**
 * A plugin implements a version of the backend contract that this `@icl/core` does not know, usually
 * because the plugin is newer or older than the core. Upgrading one of the two fixes it.
 */
export class UnsupportedSpecificationVersionError extends IclError {
  protected readonly [symbol] = true;

  /** The version the plugin declared. */
  readonly specificationVersion: string;
  /** The versions this core understands. */
  readonly supportedVersions: readonly string[];

  constructor(options: UnsupportedSpecificationVersionErrorOptions) {
    super('unsupported-specification-version', options);
    this.name = 'UnsupportedSpecificationVersionError';
    this.specificationVersion = options.specificationVersion;
    this.supportedVersions = options.supportedVersions;
  }

  /** Whether `error` is a {@link UnsupportedSpecificationVersionError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is UnsupportedSpecificationVersionError {
    return IclError.hasMarker(error, marker);
  }
}
