import { promises as fs } from 'node:fs';
import path from 'node:path';
import { workspacePath } from '@icl/backend-kit';
import { InvalidArgumentError, type RunRequestV1 } from '@icl/core';

/** One file a run ships, by its path in the files ConfigMap's volume. */
export interface RunFile {
  /** Where it goes: `workspace/…` (the working directory), `icl/…` (ICL's files), `root/…` (an absolute path). */
  path: string;
  /** Its content. */
  content: Buffer;
  /** Its permission bits, so executables stay executable. */
  mode: number;
}

/** The most a ConfigMap holds (Kubernetes refuses larger ones). */
export const maximumShippedBytes = 1024 * 1024 - 16 * 1024;

/**
 * What a run ships into its pod, read now so later edits do not change a run in progress: a copy of the
 * program file in the working directory, the runtime's files and folders at their destinations
 * (relative ones in the working directory, absolute ones where they say) and a function's keyword
 * parameters. Folders are walked and links followed; a ConfigMap has no empty folders or links, so those
 * do not arrive as such.
 *
 * @throws InvalidArgumentError for a file that does not exist, a destination that is not a path, or
 *   files too large for a ConfigMap.
 */
export async function runFiles(request: RunRequestV1): Promise<RunFile[]> {
  const files: RunFile[] = [];
  const program = request.program;
  if (program.kind !== 'command') {
    files.push(...(await filesFor(program.path, `workspace/${path.basename(program.path)}`, 'program.path')));
  }
  for (const file of request.runtime.files ?? []) {
    files.push(
      ...(await filesFor(file.src, volumePath(file.dst ?? path.basename(file.src)), 'runtime.files.src')),
    );
  }
  if (program.kind === 'function') {
    files.push({
      path: 'icl/parameters.json',
      content: Buffer.from(JSON.stringify(program.parameters ?? {})),
      mode: 0o644,
    });
  }
  const total = files.reduce((sum, file) => sum + file.content.length, 0);
  if (total > maximumShippedBytes) {
    throw new InvalidArgumentError({
      argument: 'runtime.files',
      message: `The run ships ${total} bytes of files, more than a Kubernetes ConfigMap holds (${maximumShippedBytes}).`,
      hint: 'Put large data in the image (runtime.image) or in storage the pod reads, and ship only code and small files.',
    });
  }
  return files;
}

/** The volume path of a destination: relative ones under `workspace/`, absolute ones under `root/`. */
function volumePath(destination: string): string {
  const normalized = destination.replaceAll('\\', '/');
  const absolute = path.posix.resolve(workspacePath, normalized);
  if (absolute === '/' || destination.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'runtime.files.dst',
      message: `The file destination "${destination}" does not name a file or folder.`,
      hint: 'Use a path such as data/input.csv (in the working directory) or /data/input.csv.',
    });
  }
  const inWorkspace = absolute === workspacePath || absolute.startsWith(`${workspacePath}/`);
  return inWorkspace ? `workspace${absolute.slice(workspacePath.length)}` : `root${absolute}`;
}

async function filesFor(source: string, destination: string, argument: string): Promise<RunFile[]> {
  let stats: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stats = await fs.stat(source);
  } catch (error) {
    throw new InvalidArgumentError({
      argument,
      message: `Cannot read ${source}: ${(error as Error).message}`,
      hint: 'Check the path; relative paths are resolved against the directory ICL was started in.',
    });
  }
  if (stats.isFile()) {
    return [{ path: destination, content: await fs.readFile(source), mode: stats.mode & 0o777 }];
  }
  if (!stats.isDirectory()) return [];
  const children = await fs.readdir(source);
  children.sort();
  const files: RunFile[] = [];
  for (const child of children) {
    files.push(...(await filesFor(path.join(source, child), `${destination}/${child}`, argument)));
  }
  return files;
}
