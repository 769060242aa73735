import { basename } from 'node:path';
import type { FileMapping, JsonObject, LogChunk, Program, Run, RunState, ServiceOptions } from '@icl/core';
import { InvalidArgumentError, parseDuration, parseGpuRequest } from '@icl/core';
import { createCliClient } from '../create-cli-client';
import { parseAssignment, parseParameterValue } from '../parse-assignment';
import { ProgressDisplay } from '../progress-display';
import { cancelledExitCode, runExitCode } from '../run-exit-code';
import { summarizeRun } from '../run-summary';
import { isStyledStream } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl run`. */
export interface RunCommandOptions {
  /** `--on`: the infrastructure (or backend) name; the default infrastructure when absent. */
  on?: string;
  /** `--env NAME=VALUE`, repeated: environment variables for the program. */
  env?: string[];
  /** `--pip PACKAGE`, repeated: pip requirements of the runtime. */
  pip?: string[];
  /** `--image IMAGE`: the container image the runtime is based on (backends that run images). */
  image?: string;
  /** `--file SRC[:DST]`, repeated: files and folders shipped with the run. */
  file?: string[];
  /** `--function NAME`: call this function of the Python file. */
  function?: string;
  /** `--param NAME=VALUE`, repeated: keyword arguments of the function. */
  param?: string[];
  /** `--detach`: return once started, printing the run id. */
  detach?: boolean;
  /** `--timeout`: a duration after which the run is stopped (exit 124). */
  timeout?: string;
  /** `--gpus`: a GPU count, model, or model and count. */
  gpus?: string;
  /** `--service`: a long-lived service; return once it answers and print where. */
  service?: boolean;
  /** `--port`, repeated: the ports a service listens on. */
  port?: string[];
  /** `--json`: print machine-readable JSON instead of text. */
  json?: boolean;
}

/** The signals that stop an attached run, with their numbers for the exit code (128 + number). */
const signalNumbers = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
const stoppingSignals = Object.keys(signalNumbers) as Array<keyof typeof signalNumbers>;

/**
 * `icl run <file> [-- ARGS...]`: runs a script or a Python function, streams its output as it is
 * written, and exits with the program's own exit code, so `icl run` drops into scripts and CI like
 * the program itself would. Ctrl-C, SIGTERM and a closed terminal (SIGHUP) cancel the run (the whole
 * process tree) before exiting.
 */
export async function runCommand(
  file: string,
  programArguments: string[],
  options: RunCommandOptions,
): Promise<number> {
  // Flags are checked first so their errors name the flag (`--gpus`, not `gpus`).
  if (options.timeout !== undefined) parseDuration(options.timeout, '--timeout');
  if (options.gpus !== undefined && options.gpus.trim() !== '0') parseGpuRequest(options.gpus, '--gpus');
  const program = buildProgram(file, programArguments, options);
  const service = buildService(options);
  if (service) program.service = service;
  const runtime = buildRuntime(options);
  const environment = Object.fromEntries((options.env ?? []).map((entry) => parseAssignment(entry, '--env')));
  const icl = await createCliClient();

  const stopStarting = new AbortController();
  let run: Run | undefined;
  let interruptedWith: number | undefined;
  // Ctrl-C, a kill, or the terminal closing (SIGHUP): an attached run ends with the command that
  // started it, cancelled and recorded so; `--detach` (or nohup) is how a run outlives its terminal.
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedWith !== undefined) {
      // A second Ctrl-C quits at once; a hang-up after an interrupt lets the cancel finish.
      if (signal !== 'SIGHUP') process.exit(interruptedWith);
      return;
    }
    interruptedWith =
      signal === 'SIGINT' ? cancelledExitCode : 128 + signalNumbers[signal as keyof typeof signalNumbers];
    stopStarting.abort();
    // Stop the program and everything it started; the log stream then ends and we exit below.
    run?.cancel().catch(() => undefined);
  };
  for (const signal of stoppingSignals) process.on(signal, onSignal);

  const progress = new ProgressDisplay(process.stderr, isStyledStream(process.stderr));
  try {
    run = await icl.start(program, {
      ...(options.on ? { infrastructure: options.on } : {}),
      runtime,
      environment,
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.gpus !== undefined ? { gpus: options.gpus } : {}),
      detach: options.detach === true,
      onProgress: progress.update,
      signal: stopStarting.signal,
    });
  } catch (error) {
    progress.stop();
    if (interruptedWith !== undefined) return interruptedWith;
    throw error;
  }
  progress.stop();
  if (interruptedWith !== undefined) {
    // Interrupted while the run was being started: stop it rather than leave it behind.
    await run.cancel();
    if (options.detach) return interruptedWith;
  }

  if (program.service) return reportService(run, options.json === true);

  if (options.detach) {
    if (options.json) await printJson({ id: run.id });
    else await writeOutput(process.stdout, `${run.id}\n`);
    return 0;
  }

  // With --json, standard output carries the JSON summary only; the program's output goes to stderr.
  const target = (chunk: LogChunk) =>
    options.json || chunk.stream === 'stderr' ? process.stderr : process.stdout;
  for await (const chunk of run.streamLogs({ follow: true })) await writeOutput(target(chunk), chunk.text);
  const state = await run.wait();
  await icl.close();

  if (options.json) {
    const record = await icl.getRun(run.id).then((found) => found.record());
    await printJson(summarizeRun(record));
  } else if (program.kind === 'function' && state.status === 'succeeded') {
    await writeOutput(process.stdout, `${JSON.stringify(state.result ?? null)}\n`);
  }
  return exitCodeOf(run.id, state, interruptedWith, options.timeout);
}

/** The exit code `icl run` mirrors from a finished run, with a one-line explanation where the program gave none. */
async function exitCodeOf(
  runId: string,
  state: RunState,
  interruptedWith: number | undefined,
  timeout: string | undefined,
): Promise<number> {
  if (state.status === 'timed-out')
    await writeOutput(process.stderr, `icl: run ${runId} timed out after ${describeTimeout(timeout)}\n`);
  if (state.status === 'cancelled') return interruptedWith ?? cancelledExitCode;
  const code = runExitCode(state);
  if (state.status === 'failed' && (state.exitCode === undefined || state.exitCode === 0))
    await writeOutput(process.stderr, `icl: run ${runId} failed${state.reason ? `: ${state.reason}` : ''}\n`);
  return code;
}

/** The timeout as the user wrote it, with the unit a bare number implies (`30` → `30s`). */
function describeTimeout(timeout: string | undefined): string {
  const text = timeout?.trim();
  if (!text) return 'its timeout';
  return /^\d+(?:\.\d+)?$/.test(text) ? `${text}s` : text;
}

function buildProgram(file: string, programArguments: string[], options: RunCommandOptions): Program {
  if (options.function !== undefined) {
    if (programArguments.length > 0) {
      throw new InvalidArgumentError({
        argument: '--function',
        message: `A function takes --param NAME=VALUE, not command-line arguments (got ${programArguments.join(' ')}).`,
        hint: `Write icl run ${file} --function ${options.function} --param name=value.`,
      });
    }
    const parameters: JsonObject = {};
    for (const entry of options.param ?? []) {
      const [name, value] = parseAssignment(entry, '--param');
      if (Object.hasOwn(parameters, name)) {
        throw new InvalidArgumentError({
          argument: '--param',
          message: `--param ${name} is given twice.`,
          hint: `Give each parameter once; for several values pass a JSON list: --param '${name}=[1, 2]'.`,
        });
      }
      parameters[name] = parseParameterValue(value, name);
    }
    return { kind: 'function', path: file, function: options.function, parameters, name: basename(file) };
  }
  if ((options.param ?? []).length > 0) {
    throw new InvalidArgumentError({
      argument: '--param',
      message: '--param passes keyword arguments to a function, so it needs --function NAME.',
      hint: `Write icl run ${file} --function main --param name=value, or pass script arguments after --.`,
    });
  }
  return { kind: 'script', path: file, arguments: programArguments };
}

/** The service declaration from `--service` and `--port`, checked together. */
function buildService(options: RunCommandOptions): ServiceOptions | undefined {
  const ports = (options.port ?? []).map((text) => {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
      throw new InvalidArgumentError({
        argument: '--port',
        message: `Invalid port for --port: "${text}".`,
        hint: 'Give the port the service listens on, a number from 1 to 65535, for example --port 8080.',
      });
    }
    return port;
  });
  if (!options.service) {
    if (ports.length === 0) return undefined;
    throw new InvalidArgumentError({
      argument: '--port',
      message: '--port publishes a port of a service, so it needs --service.',
      hint: `Add --service: icl run app.py --service --port ${ports[0]}.`,
    });
  }
  if (ports.length === 0) {
    throw new InvalidArgumentError({
      argument: '--service',
      message: 'A service needs the port it listens on.',
      hint: 'Add --port, for example --service --port 8080.',
    });
  }
  return { ports };
}

/** Prints where a started service answers (or why it did not start), and the exit code to return. */
async function reportService(run: Run, json: boolean): Promise<number> {
  const state = await run.state();
  if (state.status !== 'running') {
    const logs = await run.logs();
    await writeOutput(process.stderr, logs.stderr);
    await writeOutput(
      process.stderr,
      `icl: service ${run.id} did not become ready${state.reason ? `: ${state.reason}` : ''}\n`,
    );
    return state.exitCode !== undefined && state.exitCode !== 0 ? state.exitCode : 1;
  }
  const endpoints = state.endpoints ?? [];
  if (json) {
    await printJson({ id: run.id, status: state.status, endpoints });
    return 0;
  }
  const urls = endpoints.map((endpoint) => endpoint.url).join(', ');
  await writeOutput(process.stdout, `${urls}\n`);
  await writeOutput(process.stderr, `icl: service ${run.id} is ready; stop it with: icl cancel ${run.id}\n`);
  return 0;
}

function buildRuntime(options: RunCommandOptions) {
  const files: FileMapping[] = (options.file ?? []).map((entry) => {
    const separator = entry.lastIndexOf(':');
    return separator > 0
      ? { src: entry.slice(0, separator), dst: entry.slice(separator + 1) }
      : { src: entry };
  });
  return {
    ...(options.image ? { image: options.image } : {}),
    ...(options.pip?.length ? { dependencies: { pip: options.pip } } : {}),
    ...(files.length > 0 ? { files } : {}),
  };
}
