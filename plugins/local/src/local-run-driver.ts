import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  abortable,
  anySignal,
  type OutputBytes,
  programCommand,
  type RunDriver,
  type RunObservation,
  type RunSubmitContext,
} from '@icl/backend-kit';
import { readJsonFile } from '@icl/backend-kit/files';
import {
  type BackendCapabilitiesV1,
  InvalidArgumentError,
  type Inventory,
  type Program,
  type RunRequestV1,
  type ServiceEndpoint,
  type ServiceOptions,
  UnsupportedCapabilityError,
} from '@icl/core';
import { directoryChange } from './directory-change';
import { claimGpus, releaseGpus } from './gpu-claims';
import { hasGpuDriver, readGpuInventory } from './gpu-inventory';
import type { LaunchSpecification } from './launch-specification';
import type { LocalBackendSettings } from './local-backend-settings';
import { LocalRunDirectory, type ProcessExit } from './local-run-directory';
import { prepareNodeModules } from './node-environment';
import { prepareWorkingDirectory } from './prepare-working-directory';
import { preparePythonEnvironment } from './python-environment';
import { resolvePythonInterpreter } from './python-interpreter';
import { areRunProcessesAlive, isProcessAlive, type RunProcesses, stopRunProcesses } from './run-processes';
import { startSupervisor } from './start-supervisor';
import { type StartedProcess, superviseRun } from './supervise-run';

/** What the local driver records about a run: where it is, and the processes to look at. */
export interface LocalRunRecord {
  /** The run's directory, where the program writes its output and its supervisor how it ended. */
  directory: string;
  /** The program's process group, which holds its process tree (but for children that leave it). */
  processGroupId?: number;
  /** The process that writes how the program ended: the caller for attached runs, a supervisor else. */
  supervisorPid: number;
  /** When the program started, ISO 8601. */
  startedAt: string;
}

/** Where the local driver keeps what it needs besides its settings. */
export interface LocalRunDriverDirectories {
  /** The durable directory; GPU claims live in `gpu-claims` under it. */
  stateDirectory: string;
  /** Where built venvs and packages are cached. */
  cacheDirectory: string;
}

/**
 * Programs as processes on this machine. Each run gets an isolated working directory inside its run
 * directory, and the program writes its output straight into the run's log files; it runs in its own
 * process group so that cancel and timeout stop everything it started. Attached runs are supervised by
 * the calling process (the fastest start); detached runs by a small Node.js supervisor process that
 * outlives the caller. Either writes how the process ended, which the kit turns into the run's end.
 */
export class LocalRunDriver implements RunDriver<LocalRunRecord> {
  readonly name = 'local';
  readonly capabilities: BackendCapabilitiesV1;
  readonly unsupported = {
    gpus: 'This machine has no NVIDIA GPU (no driver found), so it cannot give runs GPUs.',
  };
  readonly enforcesTimeouts = true;
  readonly outputInRunDirectory = true;

  readonly #settings: LocalBackendSettings;
  readonly #cacheDirectory: string;
  readonly #gpuClaimDirectory: string;
  readonly #graceMilliseconds: number;
  /** Runs this process supervises, by directory: waiting for them needs no file watching. */
  readonly #supervised = new Map<string, Promise<ProcessExit>>();

  constructor(settings: LocalBackendSettings, directories: LocalRunDriverDirectories) {
    this.#settings = settings;
    this.#cacheDirectory = directories.cacheDirectory;
    this.#gpuClaimDirectory = path.join(directories.stateDirectory, 'gpu-claims');
    this.#graceMilliseconds = settings.graceMilliseconds ?? 3000;
    this.capabilities = {
      services: true,
      gpus: hasGpuDriver(settings.nvidiaSmi),
      files: true,
      pythonFunctions: true,
      timeout: true,
    };
  }

  async inventory(): Promise<Inventory> {
    return {
      nodes: [
        {
          name: os.hostname(),
          cpus: os.availableParallelism(),
          memoryBytes: os.totalmem(),
          gpus: await readGpuInventory(this.#settings.nvidiaSmi),
          labels: { os: `${os.type()} ${os.release()}`, arch: os.arch() },
        },
      ],
    };
  }

  async submit(request: RunRequestV1, context: RunSubmitContext): Promise<LocalRunRecord> {
    const specification = await this.#prepare(request, new LocalRunDirectory(context.directory), context);
    try {
      const started = request.detach
        ? await startSupervisor(specification)
        : await this.#superviseHere(specification);
      // A program that could not start is a run that failed at once: its supervisor wrote why.
      return {
        directory: context.directory,
        supervisorPid: started?.supervisorPid ?? process.pid,
        startedAt: started?.startedAt ?? new Date().toISOString(),
        ...(started ? { processGroupId: started.processGroupId } : {}),
      };
    } catch (error) {
      await releaseGpus(this.#gpuClaimDirectory, request.runId);
      throw error;
    }
  }

  async observe(record: LocalRunRecord): Promise<RunObservation> {
    const directory = new LocalRunDirectory(record.directory);
    const exit = await readJsonFile<ProcessExit>(directory.exit);
    if (exit) return observationOf(exit, record.startedAt);
    const processes = processesOf(record);
    const supervised = this.#supervised.has(record.directory) || isProcessAlive(record.supervisorPid);
    if (supervised || (processes !== undefined && areRunProcessesAlive(processes)))
      return { status: 'running', startedAt: record.startedAt };
    // Look again: the supervisor may have written the exit between the two looks.
    const latest = await readJsonFile<ProcessExit>(directory.exit);
    if (latest) return observationOf(latest, record.startedAt);
    return {
      status: 'failed',
      reason: 'The process supervising this run ended before the program did, so its exit code is unknown.',
      startedAt: record.startedAt,
    };
  }

  /** Resolves when this process's supervision ends, or at the next change in the run's directory. */
  async waitForChange(record: LocalRunRecord, signal: AbortSignal): Promise<void> {
    const supervised = this.#supervised.get(record.directory);
    if (supervised) await abortable(supervised, signal).catch(() => undefined);
    else await directoryChange(record.directory, 500, signal);
  }

  async *readOutput(
    record: LocalRunRecord,
    options: { follow: boolean; signal: AbortSignal },
  ): AsyncGenerator<OutputBytes> {
    const directory = new LocalRunDirectory(record.directory);
    const offsets = { stdout: 0, stderr: 0 };
    while (!options.signal.aborted) {
      // Look before reading: output written before the end is then certain to be read below.
      const ended = !options.follow || (await this.observe(record)).status !== 'running';
      let progressed = false;
      for await (const output of directory.readOutput(offsets)) {
        offsets[output.stream] += output.bytes.length;
        progressed = true;
        yield output;
      }
      if (ended && !progressed) return;
      // Woken by the program writing (a change in the run's directory) or ending, whichever is first.
      if (!progressed) {
        const stopWaiting = new AbortController();
        const signal = anySignal(options.signal, stopWaiting.signal);
        await Promise.race([
          directoryChange(record.directory, 200, signal),
          this.waitForChange(record, signal),
        ]);
        stopWaiting.abort();
      }
    }
  }

  async readResult(record: LocalRunRecord): Promise<string | undefined> {
    return fs.readFile(new LocalRunDirectory(record.directory).result, 'utf8').catch(() => undefined);
  }

  async stop(record: LocalRunRecord): Promise<void> {
    const processes = processesOf(record);
    if (processes !== undefined) await stopRunProcesses(processes, this.#graceMilliseconds);
  }

  /** The run's output, working directory and result stay for `icl logs`; its GPUs are released. */
  async remove(record: LocalRunRecord): Promise<void> {
    await releaseGpus(this.#gpuClaimDirectory, runIdOf(record));
  }

  async endpoints(_record: LocalRunRecord, service: ServiceOptions): Promise<ServiceEndpoint[]> {
    const host = service.host ?? '127.0.0.1';
    return service.ports.map((port) => ({ port, url: `http://${host}:${port}` }));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#supervised.values());
  }

  async #prepare(
    request: RunRequestV1,
    directory: LocalRunDirectory,
    context: RunSubmitContext,
  ): Promise<LaunchSpecification> {
    if (request.runtime.image !== undefined)
      throw new UnsupportedCapabilityError({
        backendName: 'local',
        capability: 'runtime',
        message: `The local backend runs programs with this machine's own interpreters; it does not run the image ${request.runtime.image}.`,
        hint: 'Run it in a container with --on docker, or leave out the image to run here.',
      });
    const dependencies = request.runtime.dependencies ?? {};
    const progress = { onProgress: context.onProgress, signal: context.signal, hash: request.runtimeHash };
    const basePython = await resolvePythonInterpreter(
      request.runtime.python ? `python${request.runtime.python}` : (this.#settings.python ?? 'python3'),
      this.#cacheDirectory,
    );
    const python = await preparePythonEnvironment({
      basePython,
      packages: dependencies.pip ?? [],
      cacheDirectory: this.#cacheDirectory,
      ...progress,
    });
    const nodeModules = await prepareNodeModules({
      packages: dependencies.npm ?? [],
      cacheDirectory: this.#cacheDirectory,
      ...progress,
    });
    await prepareWorkingDirectory(request, directory, nodeModules);
    const [command = '', ...commandArguments] = localCommand(request.program, python.python, directory);

    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) environment[key] = value;
    Object.assign(environment, { PYTHONUNBUFFERED: '1' }, request.environment, { ICL_RUN_ID: request.runId });
    if (python.virtualEnvironment) {
      environment.VIRTUAL_ENV = python.virtualEnvironment;
      environment.PATH = `${path.join(python.virtualEnvironment, 'bin')}${path.delimiter}${environment.PATH ?? ''}`;
    }
    let gpus: string[] = [];
    if (request.resources.gpu) {
      const inventory = await readGpuInventory(this.#settings.nvidiaSmi);
      gpus = await claimGpus(this.#gpuClaimDirectory, inventory, request.resources.gpu, {
        runId: request.runId,
        directory: directory.root,
      });
      environment.CUDA_VISIBLE_DEVICES = gpus.join(',');
    }
    return {
      runId: request.runId,
      directory: directory.root,
      command,
      arguments: commandArguments,
      environment,
      ...(request.timeoutMilliseconds === undefined
        ? {}
        : { timeoutMilliseconds: request.timeoutMilliseconds }),
      graceMilliseconds: this.#graceMilliseconds,
      gpus,
      gpuClaimDirectory: this.#gpuClaimDirectory,
    };
  }

  /** Supervises the program in this process; resolves once it has started. */
  #superviseHere(
    specification: LaunchSpecification,
  ): Promise<(StartedProcess & { supervisorPid: number }) | undefined> {
    return new Promise((resolve, reject) => {
      const ended = superviseRun(specification, (started) =>
        resolve(started && { ...started, supervisorPid: process.pid }),
      );
      this.#supervised.set(specification.directory, ended);
      ended.then(
        () => this.#supervised.delete(specification.directory),
        (error: unknown) => {
          this.#supervised.delete(specification.directory);
          reject(error);
        },
      );
    });
  }
}

/**
 * How a program runs from its copy in the working directory: as on every backend (`@icl/backend-kit`'s
 * `programCommand`), with the runtime's Python and this Node.js as the interpreters.
 *
 * @throws InvalidArgumentError for a TypeScript program on a Node.js without type stripping.
 */
function localCommand(program: Program, python: string, directory: LocalRunDirectory): string[] {
  const command = programCommand(program, { workspace: directory.work, icl: directory.root });
  const [executable = '', ...rest] = command.argv;
  if (program.kind === 'command') return command.argv;
  if (command.runsPython) return [python, ...rest];
  if (executable !== 'node') return command.argv;
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (rest[0] === '--experimental-strip-types' && (major < 22 || (major === 22 && minor < 6)))
    throw new InvalidArgumentError({
      argument: 'program.path',
      message: `Running TypeScript directly needs Node.js 22.6 or newer; this is Node.js ${process.versions.node}.`,
      hint: 'Compile it to .js first, or run it as a command: icl run -- npx tsx program.ts.',
    });
  return [process.execPath, ...rest];
}

/** What a process's exit says about its run. */
function observationOf(exit: ProcessExit, startedAt: string): RunObservation {
  const times = { startedAt, endedAt: exit.endedAt };
  if (exit.error !== undefined) return { status: 'failed', reason: exit.error, endedAt: exit.endedAt };
  if (exit.timedOut) return { status: 'timed-out', ...times };
  return { status: 'exited', exitCode: exit.exitCode ?? 1, ...times };
}

/** A run's id: the name of its directory. */
function runIdOf(record: LocalRunRecord): string {
  return path.basename(record.directory);
}

/** How to find a run's processes, once its program has started. */
function processesOf(record: LocalRunRecord): RunProcesses | undefined {
  return record.processGroupId === undefined
    ? undefined
    : { processGroupId: record.processGroupId, runId: runIdOf(record) };
}
