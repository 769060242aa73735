import { IclError, type IclErrorOptions } from '@icl/core';

const marker = 'icl.error.run-record-unreadable';
const symbol = Symbol.for(marker);

/** Options of {@link RunRecordUnreadableError}. */
export interface RunRecordUnreadableErrorOptions extends IclErrorOptions {
  /** The record's file (`<state>/runs/<id>.json`). */
  file: string;
}

/**
 * A run record cannot be read: its file is not JSON, or lacks what every record has (an editor's slip,
 * a disk error, a copy cut short). Listings leave it out and name it; reading it by id fails with this.
 */
export class RunRecordUnreadableError extends IclError {
  protected readonly [symbol] = true;

  /** The record's file. */
  readonly file: string;

  constructor(options: RunRecordUnreadableErrorOptions) {
    super('run-record-unreadable', options);
    this.name = 'RunRecordUnreadableError';
    this.file = options.file;
  }

  /** Whether `error` is a {@link RunRecordUnreadableError}, from any installed copy of `@icl/sdk`. */
  static override isInstance(error: unknown): error is RunRecordUnreadableError {
    return IclError.hasMarker(error, marker);
  }
}
