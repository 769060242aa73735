import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type RunRequestV1 } from '@icl/core';
import type { LocalRunDirectory } from './local-run-directory';

/**
 * Fills the run's isolated working directory: a copy of the program file (so editing it does not
 * change a run in progress), the runtime's files and folders at their destinations, linked Node
 * packages, and the keyword parameters of a function program.
 */
export async function prepareWorkingDirectory(
  request: RunRequestV1,
  directory: LocalRunDirectory,
  nodeModules: string | undefined,
): Promise<void> {
  await fs.mkdir(directory.work, { recursive: true });
  const program = request.program;
  if (program.kind !== 'command') {
    await fs.copyFile(program.path, path.join(directory.work, path.basename(program.path)));
  }
  for (const file of request.runtime.files ?? []) {
    const destination = resolveDestination(directory.work, file.dst ?? path.basename(file.src));
    await fs.mkdir(path.dirname(destination), { recursive: true });
    await fs.cp(file.src, destination, { recursive: true, force: true });
  }
  if (nodeModules) await fs.symlink(nodeModules, path.join(directory.work, 'node_modules'), 'dir');
  if (program.kind === 'function') {
    await fs.writeFile(directory.parameters, JSON.stringify(program.parameters ?? {}));
  }
}

function resolveDestination(work: string, destination: string): string {
  const resolved = path.resolve(work, destination);
  if (path.isAbsolute(destination) || !resolved.startsWith(work + path.sep)) {
    throw new InvalidArgumentError({
      argument: 'runtime.files.dst',
      message: `The file destination "${destination}" is outside the run's working directory.`,
      hint: 'Use a relative destination such as data/input.csv; local runs only write inside their working directory.',
    });
  }
  return resolved;
}
