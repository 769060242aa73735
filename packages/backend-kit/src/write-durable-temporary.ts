import { promises as fs } from 'node:fs';
import { temporaryName } from './temporary-name';

/**
 * Writes `content` to a new temporary file beside `file` and flushes it to disk, for a caller that then
 * moves it into place (replacing, or only if `file` does not exist). Returns the temporary file's path;
 * on failure nothing is left behind.
 *
 * @param mode - permission bits of the file (records are the user's own: `0o600`).
 */
export async function writeDurableTemporary(
  file: string,
  content: string | Buffer,
  mode: number,
): Promise<string> {
  const temporary = temporaryName(file);
  try {
    const handle = await fs.open(temporary, 'w', mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return temporary;
}
