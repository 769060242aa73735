import { promises as fs } from 'node:fs';
import { writeDurableTemporary } from './write-durable-temporary';

/**
 * Replaces `file` with `content` so that readers in any process, and the file after a crash, hold the
 * old or the new content, never a part: the content goes to a temporary file beside it, is flushed to
 * disk, and the temporary file is renamed over it (atomic on POSIX file systems). Records (run states,
 * run records, caches of interpreter lookups) are read by other processes while they change and must
 * survive a power cut, so there is one durability level for all of them.
 *
 * @param options.mode - permission bits of a new file (default `0o600`: records are the user's own).
 */
export async function writeFileAtomically(
  file: string,
  content: string | Buffer,
  options: { mode?: number } = {},
): Promise<void> {
  const temporary = await writeDurableTemporary(file, content, options.mode ?? 0o600);
  try {
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
