import { IclError } from '@icl/core';

const marker = 'icl.error.interrupted-operation';
const symbol = Symbol.for(marker);

/**
 * An earlier run was interrupted while creating a resource, and its provider cannot tell whether the
 * resource came into being. The engine stops rather than risk creating it a second time.
 */
export class InterruptedOperationError extends IclError {
  protected readonly [symbol] = true;

  /** The stack's name. */
  readonly stackName: string;
  /** The resource whose creation was interrupted. */
  readonly resource: string;

  constructor(stack: string, resource: string, reason: string, cause?: unknown) {
    super('interrupted-operation', {
      message: `An earlier run of stack "${stack}" was interrupted while creating "${resource}", and ICL cannot tell whether it exists: ${reason.replace(/\.$/, '')}.`,
      hint: `If it exists, run \`icl import ${resource} <id>\`; if it does not, run \`icl state rm ${resource}\`. Then apply again.`,
      cause,
    });
    this.name = 'InterruptedOperationError';
    this.stackName = stack;
    this.resource = resource;
  }

  /** Whether `error` is an {@link InterruptedOperationError}, from any installed copy of `@icl/engine`. */
  static override isInstance(error: unknown): error is InterruptedOperationError {
    return IclError.hasMarker(error, marker);
  }
}
