import type { JsonObject } from './json-value';
import type { ResourceRequest } from './resource-request';

/**
 * What to run. A program is independent of where it runs (the infrastructure) and of what it runs
 * with (the runtime), so the same program moves from the laptop to a cluster unchanged.
 */
export type Program = ScriptProgram | CommandProgram | FunctionProgram;

/** Fields every kind of program has. */
export interface ProgramBase {
  /** A short name for listings and labels; defaults to the file or command name. */
  name?: string;
  /** What the program needs (CPU, memory, GPUs). */
  resources?: ResourceRequest;
  /**
   * Makes the program a long-running service that listens on ports. The run is kept going after
   * `run()` returns, its ports are published, and starting it waits until it answers.
   */
  service?: ServiceOptions;
}

/**
 * How a service is exposed and how ICL tells it is ready. Ports are published on 127.0.0.1 unless the
 * user asks for another address, so nothing is reachable from the network by accident.
 */
export interface ServiceOptions {
  /** The ports the program listens on (inside its container or pod, where it has one). */
  ports: number[];
  /** The address published ports bind to on the host. Default `127.0.0.1`. */
  host?: string;
  /** How to tell the service is ready; by default a TCP connection to its first port. */
  readiness?: ServiceReadiness;
}

/** A readiness check. */
export interface ServiceReadiness {
  /** The port to check; the first of `ports` by default. */
  port?: number;
  /** An HTTP path to GET (`/healthz`); any answer below 500 counts as ready. A TCP connection when absent. */
  path?: string;
  /** How long to wait before giving up and stopping the service, in milliseconds. Default 60 000. */
  timeoutMilliseconds?: number;
}

/**
 * A script file run by the interpreter its extension names: `.py` with Python, `.js`/`.mjs`/`.cjs` with
 * Node.js, `.ts` with Node.js type stripping, `.sh` with the shell. The file is shipped with the run, so
 * later edits do not affect a run that already started.
 */
export interface ScriptProgram extends ProgramBase {
  /** Discriminator. */
  kind: 'script';
  /** Path to the script. Relative paths are resolved against the caller's working directory. */
  path: string;
  /** Command-line arguments (argv after the script name). */
  arguments?: string[];
}

/** A command and its arguments, run as given inside the runtime (`['python3', '-m', 'http.server']`). */
export interface CommandProgram extends ProgramBase {
  /** Discriminator. */
  kind: 'command';
  /** The executable and its arguments. Not passed through a shell. */
  command: string[];
}

/**
 * A function of a Python file, called with keyword arguments. Its return value comes back as the run's
 * result, so it must be JSON-serialisable.
 */
export interface FunctionProgram extends ProgramBase {
  /** Discriminator. */
  kind: 'function';
  /** Path to the Python file that defines the function. */
  path: string;
  /** Name of the function to call. */
  function: string;
  /** Keyword arguments, as JSON values. */
  parameters?: JsonObject;
}
