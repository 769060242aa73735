import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Program, pythonFunctionBootstrap } from '@icl/core';
import type { LocalRunDirectory } from './local-run-directory';

/** The command line that runs a program, inside its working directory. */
export interface ProgramCommand {
  /** The executable. */
  command: string;
  /** Its arguments. */
  arguments: string[];
  /** Whether a JSON result is expected in the run directory. */
  returnsResult: boolean;
}

const nodeExtensions = new Set(['.js', '.mjs', '.cjs']);

/**
 * Chooses how to run a program: by extension for scripts (`.py` with the runtime's Python, `.js` with
 * Node.js, `.sh` with the shell, `.ts` with Node.js type stripping), through the function bootstrap for
 * Python functions, as given for commands. Scripts run from their copy in the working directory.
 *
 * @throws InvalidArgumentError for a file ICL does not know how to run, saying which kinds it knows.
 */
export function programCommand(
  program: Program,
  python: string,
  directory: LocalRunDirectory,
): ProgramCommand {
  if (program.kind === 'command') {
    const [command, ...rest] = program.command;
    if (!command) {
      throw new InvalidArgumentError({
        argument: 'program.command',
        message: 'The command program is empty.',
        hint: 'Give the executable and its arguments, for example ["python3", "-m", "http.server"].',
      });
    }
    return { command, arguments: rest, returnsResult: false };
  }
  const script = path.join(directory.work, path.basename(program.path));
  if (program.kind === 'function') {
    return {
      command: python,
      arguments: [
        '-c',
        pythonFunctionBootstrap,
        script,
        program.function,
        directory.parameters,
        directory.result,
      ],
      returnsResult: true,
    };
  }
  const extension = path.extname(program.path).toLowerCase();
  const scriptArguments = program.arguments ?? [];
  if (extension === '.py')
    return { command: python, arguments: [script, ...scriptArguments], returnsResult: false };
  if (nodeExtensions.has(extension))
    return { command: process.execPath, arguments: [script, ...scriptArguments], returnsResult: false };
  if (extension === '.ts' || extension === '.mts') {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    if (major > 22 || (major === 22 && minor >= 6)) {
      return {
        command: process.execPath,
        arguments: ['--experimental-strip-types', script, ...scriptArguments],
        returnsResult: false,
      };
    }
    throw new InvalidArgumentError({
      argument: 'program.path',
      message: `Running TypeScript directly needs Node.js 22.6 or newer; this is Node.js ${process.versions.node}.`,
      hint: 'Compile it to .js first, or run it as a command: icl run -- npx tsx program.ts.',
    });
  }
  if (extension === '.sh')
    return { command: '/bin/sh', arguments: [script, ...scriptArguments], returnsResult: false };
  try {
    accessSync(program.path, constants.X_OK);
    return { command: script, arguments: scriptArguments, returnsResult: false };
  } catch {
    throw new InvalidArgumentError({
      argument: 'program.path',
      message: `ICL does not know how to run ${path.basename(program.path)}.`,
      hint: 'Use a .py, .js, .mjs, .cjs, .ts or .sh file, or make the file executable with a #! line.',
    });
  }
}
