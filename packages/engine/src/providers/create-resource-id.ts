import { randomBytes } from 'node:crypto';

const processPart = randomBytes(6).toString('hex');
let counter = 0;

/**
 * A new id for a resource that has no natural one (a no-op, a command's result): unique without
 * asking the system for randomness each time, which matters when thousands are created at once.
 */
export function createResourceId(): string {
  counter += 1;
  return `${processPart}${counter.toString(16).padStart(6, '0')}`;
}
