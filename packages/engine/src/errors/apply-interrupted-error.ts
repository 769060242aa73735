import { IclError } from '@icl/core';

const marker = 'icl.error.apply-interrupted';
const symbol = Symbol.for(marker);

/**
 * The user interrupted an apply or destroy: operations in flight were finished and recorded, nothing
 * new was started. Running the command again continues.
 */
export class ApplyInterruptedError extends IclError {
  protected readonly [symbol] = true;

  /** The stack's name. */
  readonly stackName: string;
  /** Resources left as they were. */
  readonly notChanged: readonly string[];

  constructor(stack: string, notChanged: readonly string[]) {
    super('apply-interrupted', {
      message: `Interrupted: ${notChanged.length} resource${notChanged.length === 1 ? ' of' : 's of'} stack "${stack}" ${notChanged.length === 1 ? 'was' : 'were'} not changed; what was done is recorded.`,
      hint: 'Run the command again to continue.',
    });
    this.name = 'ApplyInterruptedError';
    this.stackName = stack;
    this.notChanged = notChanged;
  }

  /** Whether `error` is an {@link ApplyInterruptedError}, from any installed copy of `@icl/engine`. */
  static override isInstance(error: unknown): error is ApplyInterruptedError {
    return IclError.hasMarker(error, marker);
  }
}
