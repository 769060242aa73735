import { promises as fs } from 'node:fs';
import { writeDurableTemporary } from './write-durable-temporary';

/**
 * Creates `file` with `content` unless it exists, whole and durably: the content goes to a temporary
 * file beside it, is flushed to disk, and is hard-linked into place, which fails when the file exists.
 * So of several processes creating the same file the first wins, and no reader ever sees half of it.
 * Resolves true when this call created it, false when it existed.
 *
 * @param options.mode - permission bits of the file (default `0o600`: records are the user's own).
 */
export async function createFileExclusively(
  file: string,
  content: string | Buffer,
  options: { mode?: number } = {},
): Promise<boolean> {
  const temporary = await writeDurableTemporary(file, content, options.mode ?? 0o600);
  try {
    await fs.link(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}
