import { randomBytes } from 'node:crypto';

/** A fresh id for an order (`o-…`), bid (`b-…`) or lease (`l-…`): a prefix and 12 random hex digits. */
export function newRecordId(prefix: 'o' | 'b' | 'l'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
