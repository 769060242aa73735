import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { workspacePath } from '@icl/backend-kit';
import type { MountSettings } from 'dockerode';
import type { TarEntry } from './tar-archive';

const workspaceName = workspacePath.slice(1);

/**
 * A run's files staged on this machine for bind mounts: the same entries an upload would carry, written
 * under `root` at their paths in the container (`root/workspace/train.py`, `root/icl/parameters.json`,
 * `root/etc/app.conf`). They are copies, so editing the originals does not change a run in progress.
 */
export class StagedFiles {
  constructor(readonly root: string) {}

  /**
   * Writes the entries, in order (a later one replaces an earlier one at the same path, as in an
   * upload), with their modes. Files are cloned where the file system can, else copied.
   */
  async write(entries: readonly TarEntry[]): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    for (const entry of entries) {
      const target = this.#hostPath(entry.name);
      if (entry.type === 'directory') {
        await fs.mkdir(target, { recursive: true });
        // mkdir applies the umask; the entry's mode is what the container is to see.
        await fs.chmod(target, entry.mode);
        continue;
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.rm(target, { force: true });
      if (entry.type === 'symlink') {
        await fs.symlink(entry.target, target);
      } else if ('content' in entry) {
        await fs.writeFile(target, entry.content, { mode: entry.mode });
        await fs.chmod(target, entry.mode);
      } else {
        await fs.copyFile(entry.source, target, constants.COPYFILE_FICLONE);
        await fs.chmod(target, entry.mode);
      }
    }
  }

  /**
   * The bind mounts that put the staged entries at their paths in the container: one per shipped file
   * or folder, so the rest of the image stays as it is. With `wholeWorkspace`, the working directory
   * itself is mounted instead of what is in it, so a program running as a non-root user can write
   * there (the daemon would create it owned by root).
   */
  mounts(entries: readonly TarEntry[], options: { wholeWorkspace: boolean }): MountSettings[] {
    const names = new Set(entries.map((entry) => entry.name));
    const mounted = (name: string) => names.has(name) && (name !== workspaceName || options.wholeWorkspace);
    const mounts = new Map<string, MountSettings>();
    for (const { name } of entries) {
      if (!mounted(name) || ancestors(name).some(mounted)) continue;
      mounts.set(name, { Type: 'bind', Source: this.#hostPath(name), Target: `/${name}`, ReadOnly: false });
    }
    return [...mounts.values()];
  }

  /**
   * The content of a staged file the program wrote (a function's result), or undefined when it is not
   * there. Only a regular file is read: a symbolic link the program left in its place is not followed
   * out of the staged folder.
   */
  async read(containerPath: string): Promise<Buffer | undefined> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(
        this.#hostPath(containerPath.replace(/^\/+/, '')),
        constants.O_RDONLY | constants.O_NOFOLLOW,
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP') return undefined;
      throw error;
    }
    try {
      if (!(await handle.stat()).isFile()) return undefined;
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** Removes the staged files and whatever the program wrote among them. */
  async remove(): Promise<void> {
    await fs.rm(this.root, { recursive: true, force: true });
  }

  #hostPath(name: string): string {
    return path.join(this.root, ...name.split('/'));
  }
}

/** The parent paths of an archive path, nearest last (`a/b/c` → `a`, `a/b`). */
function ancestors(name: string): string[] {
  const parts = name.split('/');
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join('/'));
}
