import { randomBytes } from 'node:crypto';

/**
 * A name beside `file` that no other process or call picks (it holds this process's id and random
 * bytes), for content that is written in full first and then renamed or linked into place, so readers
 * of `file` never see a part of it. Being in the same directory keeps the rename on one file system.
 */
export function temporaryName(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}
