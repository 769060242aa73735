import { IclError } from '@icl/core';

const marker = 'icl.error.state-unreadable';
const symbol = Symbol.for(marker);

/**
 * A stack's recorded state cannot be read: a damaged file (not merely a last line cut short by a
 * crash, which is tolerated), or secrets encrypted with a key this process does not have.
 */
export class StateUnreadableError extends IclError {
  protected readonly [symbol] = true;

  /** The file that could not be read, with a line where known (`journal.3.jsonl:12`). */
  readonly file: string;

  constructor(options: { file: string; message: string; hint: string; cause?: unknown }) {
    super('state-unreadable', options);
    this.name = 'StateUnreadableError';
    this.file = options.file;
  }

  /** Whether `error` is a {@link StateUnreadableError}, from any installed copy of `@icl/engine`. */
  static override isInstance(error: unknown): error is StateUnreadableError {
    return IclError.hasMarker(error, marker);
  }
}
