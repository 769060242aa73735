import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Replaces a file's content so that readers and crashes only ever see the old or the new content,
 * never a part of it: the text goes to a temporary file beside the target, is flushed to disk, and the
 * temporary file is renamed over the target (an atomic operation on POSIX file systems).
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporaryPath = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const file = await open(temporaryPath, 'w', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporaryPath, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(temporaryPath, path);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
}
