import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Program } from '@icl/core';
import { iclPath, workspacePath } from './container-paths';
import { pythonFunctionBootstrap } from './python-function-bootstrap';

/** The command a container (or a host) runs for a program, with what the backend needs to know about it. */
export interface ContainerCommand {
  /** The executable and its arguments, run without a shell. */
  argv: string[];
  /** Whether the program leaves a JSON result (in {@link resultPath} in a container), which the backend then reads back. */
  returnsResult: boolean;
  /** Whether the program runs with `python3`, so the image must have it (a backend may check up front). */
  runsPython: boolean;
}

const nodeExtensions = new Set(['.js', '.mjs', '.cjs']);

/** Where a program's copy and ICL's own files for a run are, in the place it runs. */
export interface ProgramPaths {
  /** The program's working directory, holding its copy and its files (`/workspace` in a container). */
  workspace: string;
  /** ICL's files for the run: a function's parameters and result (`/icl` in a container). */
  icl: string;
}

/**
 * How a container runs a program from its copy in {@link workspacePath}, the same on every container
 * backend: {@link programCommand} with the container paths.
 *
 * @throws InvalidArgumentError for an empty command or a file ICL does not know how to run.
 */
export function containerCommand(program: Program): ContainerCommand {
  return programCommand(program, { workspace: workspacePath, icl: iclPath });
}

/**
 * How a program is run from its copy in `paths.workspace`, the same wherever it runs (a container, an
 * SSH host, a directory of this machine): by extension for scripts (`.py` with `python3`, `.js` with
 * `node`, `.ts` with Node.js type stripping, `.sh` with `sh`, an executable file as itself), through the
 * shared function bootstrap for Python functions (parameters in `<icl>/parameters.json`, the result in
 * `<icl>/result.json`), as given for commands. Interpreters are found on the PATH, so a runtime's
 * virtual environment wins.
 *
 * @throws InvalidArgumentError for an empty command or a file ICL does not know how to run.
 */
export function programCommand(program: Program, paths: ProgramPaths): ContainerCommand {
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
  const script = path.posix.join(paths.workspace, path.basename(program.path));
  if (program.kind === 'function') {
    return {
      argv: [
        'python3',
        '-c',
        pythonFunctionBootstrap,
        script,
        program.function,
        `${paths.icl}/parameters.json`,
        `${paths.icl}/result.json`,
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
