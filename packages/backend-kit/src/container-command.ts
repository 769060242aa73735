import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Program, pythonFunctionBootstrap } from '@icl/core';
import { iclPath, resultPath, workspacePath } from './container-paths';

/** The command a container runs for a program, with what the backend needs to know about it. */
export interface ContainerCommand {
  /** The executable and its arguments, run without a shell. */
  argv: string[];
  /** Whether the program leaves a JSON result in {@link resultPath}, which the backend then reads back. */
  returnsResult: boolean;
  /** Whether the program runs with `python3`, so the image must have it (a backend may check up front). */
  runsPython: boolean;
}

const nodeExtensions = new Set(['.js', '.mjs', '.cjs']);

/**
 * How a container runs a program from its copy in {@link workspacePath}, the same on every container
 * backend: by extension for scripts (`.py` with the image's `python3`, `.js` with `node`, `.ts` with
 * Node.js type stripping, `.sh` with `sh`, an executable file as itself), through the shared function
 * bootstrap for Python functions, as given for commands. Interpreters are found on the image's PATH,
 * so a runtime's virtual environment wins.
 *
 * @throws InvalidArgumentError for an empty command or a file ICL does not know how to run.
 */
export function containerCommand(program: Program): ContainerCommand {
  if (program.kind === 'command') {
    if (program.command.length === 0 || !program.command[0]) {
      throw new InvalidArgumentError({
        argument: 'program.command',
        message: 'The command program is empty.',
        hint: 'Give the executable and its arguments, for example ["python3", "-m", "http.server"].',
      });
    }
    return { argv: [...program.command], returnsResult: false, runsPython: false };
  }
  const script = path.posix.join(workspacePath, path.basename(program.path));
  if (program.kind === 'function') {
    return {
      argv: [
        'python3',
        '-c',
        pythonFunctionBootstrap,
        script,
        program.function,
        `${iclPath}/parameters.json`,
        resultPath,
      ],
      returnsResult: true,
      runsPython: true,
    };
  }
  const scriptArguments = program.arguments ?? [];
  const extension = path.extname(program.path).toLowerCase();
  const run = (argv: string[], runsPython = false): ContainerCommand => ({
    argv: [...argv, ...scriptArguments],
    returnsResult: false,
    runsPython,
  });
  if (extension === '.py') return run(['python3', script], true);
  if (nodeExtensions.has(extension)) return run(['node', script]);
  if (extension === '.ts' || extension === '.mts') return run(['node', '--experimental-strip-types', script]);
  if (extension === '.sh') return run(['sh', script]);
  try {
    accessSync(program.path, constants.X_OK);
    return run([script]);
  } catch {
    throw new InvalidArgumentError({
      argument: 'program.path',
      message: `ICL does not know how to run ${path.basename(program.path)}.`,
      hint: 'Use a .py, .js, .mjs, .cjs, .ts or .sh file, or make the file executable with a #! line.',
    });
  }
}
