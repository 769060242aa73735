import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Program, pythonFunctionBootstrap } from '@icl/core';
import { iclPath, workspacePath } from './workspace-archive';

/** The command a container runs for a program. */
export interface ContainerCommand {
  /** The executable and its arguments, run without a shell. */
  argv: string[];
  /** Whether the program leaves a JSON result in `/icl/result.json`. */
  returnsResult: boolean;
}

/** Where a function program's JSON result is written in the container. */
export const resultPath = `${iclPath}/result.json`;

const nodeExtensions = new Set(['.js', '.mjs', '.cjs']);

/**
 * How a container runs a program, from its copy in `/workspace`: by extension for scripts (`.py`
 * with the image's `python3`, `.js` with `node`, `.ts` with Node.js type stripping, `.sh` with `sh`, an
 * executable file as itself), through the function bootstrap for Python functions, as given for
 * commands. Interpreters are found on the image's PATH, so a runtime's virtual environment wins.
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
    return { argv: [...program.command], returnsResult: false };
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
    };
  }
  const scriptArguments = program.arguments ?? [];
  const extension = path.extname(program.path).toLowerCase();
  if (extension === '.py') return { argv: ['python3', script, ...scriptArguments], returnsResult: false };
  if (nodeExtensions.has(extension))
    return { argv: ['node', script, ...scriptArguments], returnsResult: false };
  if (extension === '.ts' || extension === '.mts') {
    return {
      argv: ['node', '--experimental-strip-types', script, ...scriptArguments],
      returnsResult: false,
    };
  }
  if (extension === '.sh') return { argv: ['sh', script, ...scriptArguments], returnsResult: false };
  try {
    accessSync(program.path, constants.X_OK);
    return { argv: [script, ...scriptArguments], returnsResult: false };
  } catch {
    throw new InvalidArgumentError({
      argument: 'program.path',
      message: `ICL does not know how to run ${path.basename(program.path)}.`,
      hint: 'Use a .py, .js, .mjs, .cjs, .ts or .sh file, or make the file executable with a #! line.',
    });
  }
}
