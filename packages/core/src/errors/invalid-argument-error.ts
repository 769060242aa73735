import { IclError, type IclErrorOptions } from './icl-error';

const marker = 'icl.error.invalid-argument';
const symbol = Symbol.for(marker);

/** Options of {@link InvalidArgumentError}. */
export interface InvalidArgumentErrorOptions extends IclErrorOptions {
  /** The name of the argument, flag or field that is wrong (`--gpus`, `resources.memory`). */
  argument: string;
  /** Where the value came from, when it came from a file: `path:line:column`. */
  location?: string;
}

/**
 * Input given by the user or a program is malformed: a quantity, a duration, a `--gpus` value, a missing file.
 *
 * `location` says where the bad value came from (a flag, a file with line and column, a field path)
 * so the message can point at it.
 */
export class InvalidArgumentError extends IclError {
  protected readonly [symbol] = true;

  /** The name of the argument, flag or field that is wrong (`--gpus`, `resources.memory`). */
  readonly argument: string;
  /** Where the value came from, when it came from a file: `path:line:column`. */
  readonly location: string | undefined;

  constructor(options: InvalidArgumentErrorOptions) {
    super('invalid-argument', options);
    this.name = 'InvalidArgumentError';
    this.argument = options.argument;
    this.location = options.location;
  }

  /** Whether `error` is a {@link InvalidArgumentError}, from any installed copy of `@icl/core`. */
  static override isInstance(error: unknown): error is InvalidArgumentError {
    return IclError.hasMarker(error, marker);
  }
}
