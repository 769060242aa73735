import { formatDuration, IclError } from '@icl/core';
import type { LockHolder } from '../state/lock-holder';

const marker = 'icl.error.stack-locked';
const symbol = Symbol.for(marker);

/**
 * Another process holds the stack's lock: an apply, destroy, refresh or import is running. Raised at
 * once, never after waiting, and names the holder so the user can tell whether it is still working.
 */
export class StackLockedError extends IclError {
  protected readonly [symbol] = true;

  /** The stack's name. */
  readonly stackName: string;
  /** Who holds the lock, as recorded in it. */
  readonly holder: LockHolder;

  constructor(stack: string, holder: LockHolder, now: number = Date.now()) {
    const age = Math.max(0, now - Date.parse(holder.startedAt));
    super('stack-locked', {
      message: `Stack "${stack}" is locked by \`icl ${holder.command}\` (pid ${holder.pid} on ${holder.host}), started ${formatDuration(age)} ago.`,
      hint: `Wait for it to finish. If that process is gone for good, run \`icl state unlock ${stack}\`.`,
      isRetryable: true,
    });
    this.name = 'StackLockedError';
    this.stackName = stack;
    this.holder = holder;
  }

  /** Whether `error` is a {@link StackLockedError}, from any installed copy of `@icl/engine`. */
  static override isInstance(error: unknown): error is StackLockedError {
    return IclError.hasMarker(error, marker);
  }
}
