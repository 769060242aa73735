import { IclError } from '@icl/core';

const marker = 'icl.error.apply-failed';
const symbol = Symbol.for(marker);

/** One resource operation that failed during an apply or destroy. */
export interface ResourceFailure {
  /** The resource's name. */
  resource: string;
  /** What was being done (`create`, `update`, `replace`, `delete`). */
  action: string;
  /** The provider's message. */
  message: string;
}

/**
 * Some resource operations failed during an apply or destroy. Everything else that could proceed did,
 * and the state records exactly what exists, so running the command again continues from there.
 */
export class ApplyFailedError extends IclError {
  protected readonly [symbol] = true;

  /** The stack's name. */
  readonly stackName: string;
  /** The operations that failed. */
  readonly failures: readonly ResourceFailure[];
  /** Resources not attempted because something they depend on failed. */
  readonly skipped: readonly string[];

  constructor(
    stack: string,
    failures: readonly ResourceFailure[],
    skipped: readonly string[],
    cause?: unknown,
  ) {
    const first = failures[0];
    const others = failures.length - 1;
    super('apply-failed', {
      message: [
        first
          ? `${capitalize(first.action)} of "${first.resource}" in stack "${stack}" failed: ${first.message.replace(/\.$/, '')}.`
          : `Stack "${stack}" was not completely applied.`,
        others > 0 ? `${others} other operation${others === 1 ? '' : 's'} failed.` : '',
        skipped.length > 0
          ? `${skipped.length} dependent resource${skipped.length === 1 ? ' was' : 's were'} not changed.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
      hint: 'The state records what exists; fix the cause and run the command again to continue.',
      cause,
    });
    this.name = 'ApplyFailedError';
    this.stackName = stack;
    this.failures = failures;
    this.skipped = skipped;
  }

  /** Whether `error` is an {@link ApplyFailedError}, from any installed copy of `@icl/engine`. */
  static override isInstance(error: unknown): error is ApplyFailedError {
    return IclError.hasMarker(error, marker);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
