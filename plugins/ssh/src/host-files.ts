import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { WorkspaceEntry } from '@icl/backend-kit';
import type { SFTPWrapper } from 'ssh2';

/**
 * Files on an SSH host through its SFTP session, with paths relative to the login's home (where an
 * SFTP session starts) unless absolute.
 */
export class HostFiles {
  constructor(private readonly sftp: SFTPWrapper) {}

  /** Writes a file whole (created or replaced) with `mode`. */
  write(file: string, content: Buffer | string, mode = 0o644): Promise<void> {
    return new Promise((resolve, reject) =>
      this.sftp.writeFile(file, content, { mode }, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Copies a file of this machine to the host, streamed. */
  upload(source: string, file: string, mode: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const target = this.sftp.createWriteStream(file, { mode });
      target.once('error', reject);
      target.once('close', () => resolve());
      createReadStream(source).once('error', reject).pipe(target);
    });
  }

  /** Creates a folder (and its parents) if missing. */
  async makeDirectory(directory: string, mode = 0o755): Promise<void> {
    const parts = directory.split('/').filter(Boolean);
    let current = directory.startsWith('/') ? '/' : '';
    for (const part of parts) {
      current = current === '' ? part : path.posix.join(current, part);
      if (await this.exists(current)) continue;
      await new Promise<void>((resolve, reject) =>
        this.sftp.mkdir(current, { mode }, (error) =>
          error && !/exist/i.test(error.message) ? reject(error) : resolve(),
        ),
      );
    }
  }

  /** Whether a path exists on the host. */
  exists(file: string): Promise<boolean> {
    return new Promise((resolve) => this.sftp.stat(file, (error) => resolve(!error)));
  }

  /** A file's bytes from `offset` to its current end, at most `limit` of them; undefined when missing. */
  readFrom(file: string, offset: number, limit = 1 << 20): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      this.sftp.open(file, 'r', (openError, handle) => {
        if (openError) return resolve(undefined);
        const close = (result: Buffer | undefined, error?: Error) =>
          this.sftp.close(handle, () => (error ? reject(error) : resolve(result)));
        this.sftp.fstat(handle, (statError, stats) => {
          if (statError) return close(undefined, statError);
          const length = Math.min(limit, Math.max(0, stats.size - offset));
          if (length === 0) return close(Buffer.alloc(0));
          const buffer = Buffer.alloc(length);
          let read = 0;
          const next = () =>
            this.sftp.read(handle, buffer, read, length - read, offset + read, (readError, bytes) => {
              if (readError) return close(undefined, readError);
              read += bytes;
              if (bytes === 0 || read >= length) close(buffer.subarray(0, read));
              else next();
            });
          next();
        });
      });
    });
  }

  /**
   * Ships a run's entries (see `workspaceEntries`): `workspace/…` and `icl/…` into the run's directory,
   * other names (absolute destinations) at `/<name>` on the host. Files from this machine go through
   * the host's file cache (`<cache>/<sha256>`): only those it does not have yet cross the network
   * (`cached` lists the hashes it has, from {@link contentHashes}), and the returned lines
   * (`<sha256> <mode in octal> <target>`) say which to copy from it into place, which
   * {@link placeCachedFiles} does on the host.
   */
  async ship(
    entries: readonly HashedEntry[],
    runDirectory: string,
    cacheDirectory: string,
    cached: ReadonlySet<string>,
  ): Promise<string[]> {
    const place = (name: string) =>
      name === 'workspace' || name === 'icl' || name.startsWith('workspace/') || name.startsWith('icl/')
        ? path.posix.join(runDirectory, name)
        : `/${name}`;
    const made = new Set<string>();
    const fromCache: string[] = [];
    const uploaded = new Set(cached);
    for (const entry of entries) {
      const target = place(entry.name);
      // A file given a destination in a folder that nothing else ships (`data/input.csv`).
      const parent = path.posix.dirname(target);
      if (!made.has(parent) && parent !== '.' && parent !== '/') {
        await this.makeDirectory(parent);
        made.add(parent);
      }
      if (entry.type === 'directory') {
        await this.makeDirectory(target, entry.mode);
        made.add(target);
      } else if (entry.type === 'symlink')
        await new Promise<void>((resolve, reject) =>
          this.sftp.symlink(entry.target, target, (error) => (error ? reject(error) : resolve())),
        );
      else if ('content' in entry) await this.write(target, entry.content, entry.mode);
      else {
        if (!uploaded.has(entry.hash)) {
          await this.makeDirectory(cacheDirectory);
          // Runs started at once may send the same file: each its own temporary, renamed into place.
          const temporary = path.posix.join(cacheDirectory, `${entry.hash}.${randomUUID()}.tmp`);
          await this.upload(entry.source, temporary, 0o644);
          await this.rename(temporary, path.posix.join(cacheDirectory, entry.hash));
          uploaded.add(entry.hash);
        }
        fromCache.push(`${entry.hash} ${(entry.mode & 0o7777).toString(8)} ${target}`);
      }
    }
    return fromCache;
  }

  /** Renames a file, replacing the target (the cache's entries are written whole, then renamed). */
  rename(from: string, to: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.sftp.ext_openssh_rename(from, to, (error) =>
        error ? this.sftp.rename(from, to, (plain) => (plain ? reject(plain) : resolve())) : resolve(),
      ),
    );
  }
}

/** A run's entry, with the SHA-256 of each file that comes from this machine. */
export type HashedEntry =
  | Exclude<WorkspaceEntry, { source: string }>
  | (Extract<WorkspaceEntry, { source: string }> & { hash: string });

/** The entries with the content hash of each file from this machine, read once, streamed. */
export async function contentHashes(entries: readonly WorkspaceEntry[]): Promise<HashedEntry[]> {
  return Promise.all(
    entries.map(async (entry) => {
      if (entry.type !== 'file' || !('source' in entry)) return entry as HashedEntry;
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(entry.source)) hash.update(chunk as Buffer);
      return { ...entry, hash: hash.digest('hex') };
    }),
  );
}

/** The hashes of the entries' files from this machine. */
export function hashesOf(entries: readonly HashedEntry[]): string[] {
  return entries.flatMap((entry) => ('hash' in entry ? [entry.hash] : []));
}

/**
 * Shell code that copies cached files into place on the host, from `$cache` (relative to the home)
 * following the lines `<sha256> <mode> <target>` of the file `$placements`, which it then deletes. It
 * copies, not links, so a program that changes its files never changes the cache.
 */
export const placeCachedFiles = `
if [ -f "$placements" ]; then
  while read -r hash mode target; do
    cp "$HOME/$cache/$hash" "$target.icl-tmp" && chmod "$mode" "$target.icl-tmp" && mv "$target.icl-tmp" "$target" || exit 1
    touch -c "$HOME/$cache/$hash"
  done < "$placements"
  rm -f "$placements"
fi
`;
