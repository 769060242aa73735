import { randomInt } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Makes a new run id such as `mfx3k2a1-q7zp`: the creation time in base 36, then four random
 * characters. Ids sort by creation time as plain strings, are short enough to type, and a unique
 * prefix of a few characters is usually enough for `icl logs`.
 */
export function createRunId(now: number = Date.now()): string {
  let suffix = '';
  for (let index = 0; index < 4; index += 1) suffix += alphabet[randomInt(alphabet.length)];
  return `${now.toString(36).padStart(8, '0')}-${suffix}`;
}

/** Whether a string has the shape of a run id or a prefix of one, so it is safe to use in a file name. */
export function isRunIdText(text: string): boolean {
  return /^[0-9a-z][0-9a-z-]*$/.test(text);
}
