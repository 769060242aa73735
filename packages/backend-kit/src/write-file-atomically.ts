import { promises as fs } from 'node:fs';
import { temporaryName } from './temporary-name';

/**
 * Replaces `file` with `content` so that readers in any process see the old or the new content, never a
 * part: the content goes to a temporary file beside it, which is then renamed over it (atomic on POSIX
 * file systems). Run files are read by other processes (`icl status`, `icl logs`) while they change.
 */
export async function writeFileAtomically(file: string, content: string | Buffer): Promise<void> {
  const temporary = temporaryName(file);
  await fs.writeFile(temporary, content);
  await fs.rename(temporary, file);
}
