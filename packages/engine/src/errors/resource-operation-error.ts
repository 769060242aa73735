import { IclError, type IclErrorOptions } from '@icl/core';

const marker = 'icl.error.resource-operation';
const symbol = Symbol.for(marker);

/** The stable codes of {@link ResourceOperationError}. */
export type ResourceOperationErrorCode =
  /** A create found something already there that the stack does not manage (import it instead). */
  | 'resource-exists'
  /** A file or directory's parent directory does not exist. */
  | 'parent-directory-missing'
  /** A directory still holds files the stack does not manage. */
  | 'directory-not-empty'
  /** A command resource's script failed. */
  | 'command-failed'
  /** A type cannot tell whether an interrupted create made something. */
  | 'cannot-adopt'
  /** A provider broke its contract (a create without an id). */
  | 'provider-contract-violated'
  /** An input references an output that the referenced resource does not have. */
  | 'unresolved-reference'
  /** A resource's inputs, known only during the apply, failed the type's check. */
  | 'invalid-inputs'
  /** The type cannot read resources, so it cannot import them. */
  | 'import-unsupported';

/**
 * One resource operation cannot be done as asked: the message names the real thing (a path, a script)
 * and the hint says what to do. Raised by the built-in providers and by the engine around provider
 * calls; the apply reports it with the resource's name.
 */
export class ResourceOperationError extends IclError {
  protected readonly [symbol] = true;

  constructor(code: ResourceOperationErrorCode, options: IclErrorOptions) {
    super(code, options);
    this.name = 'ResourceOperationError';
  }

  /** Whether `error` is a {@link ResourceOperationError}, from any installed copy of `@icl/engine`. */
  static override isInstance(error: unknown): error is ResourceOperationError {
    return IclError.hasMarker(error, marker);
  }
}
