import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type RunRequestV1 } from '@icl/core';
import { iclPath, workspacePath } from './container-paths';

/**
 * One thing a run ships, named by its path relative to `/` in a container (`workspace/train.py`,
 * `icl/parameters.json`, `data/input.csv` for an absolute destination): a folder, a link, or a file
 * given by its content or by where it is on this machine (streamed, never read whole).
 */
export type WorkspaceEntry =
  | { type: 'directory'; name: string; mode: number }
  | { type: 'symlink'; name: string; target: string }
  | { type: 'file'; name: string; mode: number; content: Buffer }
  | { type: 'file'; name: string; mode: number; source: string; size: number };

/**
 * What a run ships to where it runs, the same for every backend (a container's archive extracted at
 * `/`, an SSH host's run directory): a copy of the program file in `/workspace` (so editing it does not change a run in
 * progress), the runtime's files and folders at their destinations (relative ones under `/workspace`,
 * absolute ones where they say), and the keyword parameters of a function program in `/icl`.
 *
 * The working directory is writable by every user, so images that run as a non-root user can still
 * write their outputs next to their inputs.
 *
 * @throws InvalidArgumentError for a file that does not exist or a destination that is not a path.
 */
export async function workspaceEntries(request: RunRequestV1): Promise<WorkspaceEntry[]> {
  const entries: WorkspaceEntry[] = [{ type: 'directory', name: 'workspace', mode: 0o777 }];
  const program = request.program;
  if (program.kind !== 'command') {
    entries.push(
      ...(await entriesFor(program.path, `workspace/${path.basename(program.path)}`, 'program.path')),
    );
  }
  for (const file of request.runtime.files ?? []) {
    const destination = archivePath(file.dst ?? path.basename(file.src));
    entries.push(...(await entriesFor(file.src, destination, 'runtime.files.src')));
  }
  if (program.kind === 'function') {
    entries.push(
      { type: 'directory', name: 'icl', mode: 0o777 },
      {
        type: 'file',
        name: 'icl/parameters.json',
        mode: 0o644,
        content: Buffer.from(JSON.stringify(program.parameters ?? {})),
      },
    );
  }
  return entries;
}

/**
 * Whether the entries ship a folder (or something in one), rather than only files into the working
 * directory, `/icl` and absolute destinations.
 */
export function shipsFolders(entries: readonly WorkspaceEntry[]): boolean {
  const iclName = iclPath.slice(1);
  const workspaceName = workspacePath.slice(1);
  return entries.some(
    (entry) => entry.type !== 'file' && entry.name !== workspaceName && entry.name !== iclName,
  );
}

/** The archive path (relative to `/`) of a destination: relative ones are under the working directory. */
function archivePath(destination: string): string {
  const absolute = path.posix.resolve(workspacePath, destination.replaceAll('\\', '/'));
  if (absolute === '/' || destination.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'runtime.files.dst',
      message: `The file destination "${destination}" does not name a file or folder.`,
      hint: 'Use a path such as data/input.csv (in the working directory) or /data/input.csv.',
    });
  }
  return absolute.slice(1);
}

/** Entries for one file, or for a folder and everything in it, keeping modes and symbolic links. */
async function entriesFor(source: string, name: string, argument: string): Promise<WorkspaceEntry[]> {
  let stats: Awaited<ReturnType<typeof fs.lstat>>;
  try {
    stats = await fs.lstat(source);
  } catch (error) {
    throw new InvalidArgumentError({
      argument,
      message: `Cannot read ${source}: ${(error as Error).message}`,
      hint: 'Check the path; relative paths are resolved against the directory ICL was started in.',
    });
  }
  if (stats.isSymbolicLink()) {
    // A link given by name is followed: the user means what it points at.
    const target = await fs.realpath(source);
    return entriesFor(target, name, argument);
  }
  if (stats.isFile()) {
    return [{ type: 'file', name, mode: stats.mode & 0o7777, source, size: stats.size }];
  }
  if (!stats.isDirectory()) return [];
  const entries: WorkspaceEntry[] = [{ type: 'directory', name, mode: stats.mode & 0o7777 }];
  const children = await fs.readdir(source, { withFileTypes: true });
  children.sort((left, right) => left.name.localeCompare(right.name));
  for (const child of children) {
    const childSource = path.join(source, child.name);
    const childName = `${name}/${child.name}`;
    if (child.isSymbolicLink()) {
      entries.push({ type: 'symlink', name: childName, target: await fs.readlink(childSource) });
    } else {
      entries.push(...(await entriesFor(childSource, childName, argument)));
    }
  }
  return entries;
}
