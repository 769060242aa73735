import {
  type CommandProgram,
  type FunctionProgram,
  InvalidArgumentError,
  type JsonObject,
  type Program,
  type ResourceRequest,
  type ScriptProgram,
  type ServiceOptions,
} from '@icl/core';

/** Options of {@link program} for a script or a function of a Python file. */
export interface ProgramOptions {
  /** Call this function of the (Python) file with keyword `parameters` instead of running the file. */
  function?: string;
  /** Keyword arguments of the function; `run()` can add more. */
  parameters?: JsonObject;
  /** Command-line arguments of a script; `run()` can add more. */
  arguments?: string[];
  /** A short name for listings and labels. */
  name?: string;
  /** CPU, memory and GPUs the program needs. */
  resources?: ResourceRequest;
  /** Makes the program a long-running service on these ports, started once it answers. */
  service?: ServiceOptions;
}

/** Options of {@link program} for a command. */
export interface CommandProgramOptions {
  /** The executable and its arguments, not passed through a shell (`['python3', '-m', 'http.server']`). */
  command: string[];
  /** A short name for listings and labels. */
  name?: string;
  /** CPU, memory and GPUs the program needs. */
  resources?: ResourceRequest;
  /** Makes the program a long-running service on these ports, started once it answers. */
  service?: ServiceOptions;
}

/**
 * Declares what to run, as in the original ICL's `program(path, name)`: a script (`train.py`,
 * `serve.js`, `setup.sh`), a function of a Python file (`program('train.py', { function: 'train' })`),
 * or a command (`program({ command: ['python3', '-m', 'http.server'] })`). Nothing is checked against
 * the disk yet; `run()` resolves and checks paths when the program is submitted.
 *
 * @throws InvalidArgumentError for a program that can never run (an empty command, a function of a file
 *   that is not Python).
 */
export function program(path: string, options?: ProgramOptions): ScriptProgram | FunctionProgram;
export function program(options: CommandProgramOptions): CommandProgram;
export function program(
  pathOrCommand: string | CommandProgramOptions,
  options: ProgramOptions = {},
): Program {
  if (typeof pathOrCommand !== 'string') {
    const command = pathOrCommand.command;
    if (!Array.isArray(command) || command.length === 0 || command.some((part) => typeof part !== 'string')) {
      throw new InvalidArgumentError({
        argument: 'command',
        message: 'A command program needs a non-empty list of strings.',
        hint: "Write it as program({ command: ['python3', '-m', 'http.server'] }).",
      });
    }
    return withBase({ kind: 'command', command: [...command] }, pathOrCommand);
  }
  if (pathOrCommand.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'path',
      message: 'A program needs the path of the file to run.',
      hint: "Write it as program('train.py').",
    });
  }
  if (options.function !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.function)) {
      throw new InvalidArgumentError({
        argument: 'function',
        message: `"${options.function}" is not a Python function name.`,
        hint: 'Name a top-level function of the file, for example { function: "train" }.',
      });
    }
    if (!pathOrCommand.endsWith('.py')) {
      throw new InvalidArgumentError({
        argument: 'function',
        message: `Only functions of Python files can be called, and ${pathOrCommand} is not a .py file.`,
        hint: 'Point the program at the .py file that defines the function.',
      });
    }
    const functionProgram: FunctionProgram = {
      kind: 'function',
      path: pathOrCommand,
      function: options.function,
    };
    if (options.parameters !== undefined) functionProgram.parameters = { ...options.parameters };
    return withBase(functionProgram, options);
  }
  const script: ScriptProgram = { kind: 'script', path: pathOrCommand };
  if (options.arguments !== undefined) script.arguments = [...options.arguments];
  return withBase(script, options);
}

function withBase<T extends Program>(
  target: T,
  options: { name?: string; resources?: ResourceRequest; service?: ServiceOptions },
): T {
  if (options.name !== undefined) target.name = options.name;
  if (options.resources !== undefined) target.resources = { ...options.resources };
  if (options.service !== undefined) target.service = checkedService(options.service);
  return target;
}

/** Checks a service declaration: at least one valid port, and a readiness port among them. */
function checkedService(service: ServiceOptions): ServiceOptions {
  const validPort = (port: unknown) =>
    Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536;
  if (!Array.isArray(service.ports) || service.ports.length === 0 || !service.ports.every(validPort)) {
    throw new InvalidArgumentError({
      argument: 'service.ports',
      message: 'A service needs the ports it listens on, each between 1 and 65535.',
      hint: 'Write it as { service: { ports: [8080] } } (on the CLI: --service --port 8080).',
    });
  }
  const readinessPort = service.readiness?.port;
  if (readinessPort !== undefined && !service.ports.includes(readinessPort)) {
    throw new InvalidArgumentError({
      argument: 'service.readiness.port',
      message: `The readiness port ${readinessPort} is not one of the service's ports (${service.ports.join(', ')}).`,
      hint: 'Check readiness on a port the service listens on.',
    });
  }
  return structuredClone(service);
}
