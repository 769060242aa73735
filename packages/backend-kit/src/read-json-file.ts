import { promises as fs } from 'node:fs';

/**
 * The parsed content of a JSON file, or undefined when the file does not exist: most run files appear
 * only at some point of a run (the final state, a stop request), so a missing one is an answer, not an
 * error. Any other failure (no permission, invalid JSON) is thrown.
 */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
