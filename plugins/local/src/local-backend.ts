import { spawn } from 'node:child_process';
import { existsSync, promises as fs, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomically } from '@icl/backend-kit/files';
import {
  type BackendCapabilitiesV1,
  type BackendContextV1,
  type BackendV1,
  InvalidArgumentError,
  type Inventory,
  isTerminalRunStatus,
  type LogChunk,
  type ReadLogsOptionsV1,
  type RunHandleV1,
  RunNotFoundError,
  type RunRequestV1,
  type RunState,
  type ServiceEndpoint,
  type ServiceOptions,
  type StartRunOptionsV1,
  UnsupportedCapabilityError,
} from '@icl/core';
import { claimGpus, releaseGpus } from './gpu-claims';
import { hasGpuDriver, readGpuInventory } from './gpu-inventory';
import type { LaunchSpecification } from './launch-specification';
import type { LocalBackendSettings } from './local-backend-settings';
import { LocalRunDirectory } from './local-run-directory';
import { type LocalRunState, readLocalRunState, writeFinalState, writeLiveState } from './local-run-state';
import { readLocalLogs } from './log-reader';
import { prepareNodeModules } from './node-environment';
import { prepareWorkingDirectory } from './prepare-working-directory';
import { isProcessAlive, isProcessGroupAlive, stopProcessGroup } from './process-group';
import { programCommand } from './program-command';
import { preparePythonEnvironment } from './python-environment';
import { resolvePythonInterpreter } from './python-interpreter';
import { waitForServiceReadiness } from './service-readiness';
import { superviseRun } from './supervise-run';

/**
 * Programs as processes on this machine. Each run gets its own directory with an isolated working
 * directory, its output files and its state; the program runs in its own process group so that cancel
 * and timeout stop everything it started. Attached runs are supervised by the calling process (the
 * fastest start); detached runs by a small Node.js supervisor process that outlives the caller.
 */
export class LocalBackend implements BackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'local';
  readonly capabilities: BackendCapabilitiesV1;

  readonly #settings: LocalBackendSettings;
  readonly #runsDirectory: string;
  readonly #cacheDirectory: string;
  readonly #gpuClaimDirectory: string;
  readonly #graceMilliseconds: number;
  /** Runs supervised by this process, so waiting for them needs no polling. */
  readonly #supervised = new Map<string, Promise<LocalRunState>>();

  constructor(settings: LocalBackendSettings, context: BackendContextV1) {
    this.#settings = settings;
    const stateDirectory = settings.stateDirectory ?? context.stateDirectory;
    this.#runsDirectory = path.join(stateDirectory, 'runs');
    this.#gpuClaimDirectory = path.join(stateDirectory, 'gpu-claims');
    this.#cacheDirectory = settings.cacheDirectory ?? context.cacheDirectory;
    this.#graceMilliseconds = settings.graceMilliseconds ?? 3000;
    this.capabilities = {
      jobs: true,
      services: true,
      gpus: hasGpuDriver(settings.nvidiaSmi),
      provisioning: false,
      logFollow: true,
      cancel: true,
      files: true,
      schedules: false,
      pythonFunctions: true,
      timeout: true,
      detach: true,
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

  async startRun(request: RunRequestV1, options: StartRunOptionsV1 = {}): Promise<RunHandleV1> {
    if (request.resources.gpu && !this.capabilities.gpus) {
      throw new UnsupportedCapabilityError({
        backendName: this.name,
        capability: 'gpus',
        message: `This machine has no NVIDIA GPU (no driver found), so the local backend cannot provide ${request.resources.gpu.count} GPU(s).`,
        hint: 'Run without --gpus, or on an infrastructure with GPUs (--on <name>).',
      });
    }
    if (!/^[\w.-]+$/.test(request.runId)) {
      throw new InvalidArgumentError({
        argument: 'runId',
        message: `Invalid run id "${request.runId}".`,
        hint: 'Use letters, digits, dots, dashes and underscores only.',
      });
    }
    const directory = new LocalRunDirectory(path.join(this.#runsDirectory, request.runId));
    await fs.mkdir(this.#runsDirectory, { recursive: true });
    await fs.mkdir(directory.root);
    try {
      await writeLiveState(directory, { status: 'pending', supervisorPid: process.pid });
      const specification = await this.#prepare(request, directory, options);
      const handle: RunHandleV1 = { runId: request.runId, data: { directory: directory.root } };
      if (request.detach) await this.#startSupervisor(specification);
      else await this.#superviseHere(specification);
      if (request.program.service) await this.#awaitService(request.program.service, handle, directory);
      return handle;
    } catch (error) {
      // Nothing was started: leave nothing behind.
      await releaseGpus(this.#gpuClaimDirectory, request.runId);
      await fs.rm(directory.root, { recursive: true, force: true });
      throw error;
    }
  }

  async getRunState(handle: RunHandleV1): Promise<RunState> {
    const state = publicState(await this.#currentState(handle));
    if (state.status !== 'running') return state;
    const endpoints = await readEndpoints(this.#directory(handle));
    return endpoints ? { ...state, endpoints } : state;
  }

  readLogs(handle: RunHandleV1, options: ReadLogsOptionsV1 = {}): AsyncIterable<LogChunk> {
    return readLocalLogs(this.#directory(handle), {
      ...options,
      isEnded: async () => isTerminalRunStatus((await this.#currentState(handle)).status),
    });
  }

  async waitForRun(handle: RunHandleV1, options: { signal?: AbortSignal } = {}): Promise<RunState> {
    const supervised = this.#supervised.get(handle.runId);
    if (supervised) return publicState(await supervised);
    const directory = this.#directory(handle);
    for (;;) {
      options.signal?.throwIfAborted();
      const state = await this.#currentState(handle);
      if (isTerminalRunStatus(state.status)) return publicState(state);
      await waitForChange(directory.root, 500, options.signal);
    }
  }

  async cancelRun(handle: RunHandleV1): Promise<RunState> {
    const directory = this.#directory(handle);
    const state = await this.#currentState(handle);
    if (isTerminalRunStatus(state.status)) return publicState(state);
    await fs.writeFile(directory.cancelRequested, new Date().toISOString());
    if (state.processGroupId !== undefined)
      await stopProcessGroup(state.processGroupId, this.#graceMilliseconds);
    const supervised = this.#supervised.get(handle.runId);
    if (supervised) return publicState(await supervised);
    // A supervisor elsewhere records the end; give it a moment, then record it ourselves.
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      const current = await this.#currentState(handle);
      if (isTerminalRunStatus(current.status)) return publicState(current);
      if (current.supervisorPid === undefined || !isProcessAlive(current.supervisorPid)) break;
      await waitForChange(directory.root, 100);
    }
    const final = await writeFinalState(directory, {
      ...state,
      status: 'cancelled',
      endedAt: new Date().toISOString(),
      reason: 'Cancelled by request.',
    });
    await releaseGpus(this.#gpuClaimDirectory, handle.runId);
    return publicState(final);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#supervised.values());
  }

  async #prepare(
    request: RunRequestV1,
    directory: LocalRunDirectory,
    options: StartRunOptionsV1,
  ): Promise<LaunchSpecification> {
    const dependencies = request.runtime.dependencies ?? {};
    const basePython = await resolvePythonInterpreter(
      request.runtime.python ? `python${request.runtime.python}` : (this.#settings.python ?? 'python3'),
      this.#cacheDirectory,
    );
    const python = await preparePythonEnvironment({
      basePython,
      packages: dependencies.pip ?? [],
      hash: request.runtimeHash,
      cacheDirectory: this.#cacheDirectory,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    const nodeModules = await prepareNodeModules({
      packages: dependencies.npm ?? [],
      hash: request.runtimeHash,
      cacheDirectory: this.#cacheDirectory,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    await prepareWorkingDirectory(request, directory, nodeModules);
    const command = programCommand(request.program, python.python, directory);

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
      command: command.command,
      arguments: command.arguments,
      environment,
      ...(request.timeoutMilliseconds === undefined
        ? {}
        : { timeoutMilliseconds: request.timeoutMilliseconds }),
      graceMilliseconds: this.#graceMilliseconds,
      returnsResult: command.returnsResult,
      gpus,
      gpuClaimDirectory: this.#gpuClaimDirectory,
    };
  }

  /**
   * Waits until a service answers, then records where. A service that exits first or does not answer
   * in time is recorded as failed with the reason, and stopped.
   */
  async #awaitService(
    service: ServiceOptions,
    handle: RunHandleV1,
    directory: LocalRunDirectory,
  ): Promise<void> {
    const host = service.host ?? '127.0.0.1';
    const outcome = await waitForServiceReadiness(service, host, async () =>
      isTerminalRunStatus((await this.#currentState(handle)).status),
    );
    if (outcome.ready) {
      const endpoints: ServiceEndpoint[] = service.ports.map((port) => ({
        port,
        url: `http://${host}:${port}`,
      }));
      await writeFileAtomically(directory.endpoints, JSON.stringify(endpoints));
      return;
    }
    const state = await this.#currentState(handle);
    if (isTerminalRunStatus(state.status)) return;
    // Recorded before stopping, so the reason stands over the supervisor's "killed by SIGTERM".
    await writeFinalState(directory, {
      ...state,
      status: 'failed',
      endedAt: new Date().toISOString(),
      reason: outcome.reason,
    });
    if (state.processGroupId !== undefined)
      await stopProcessGroup(state.processGroupId, this.#graceMilliseconds);
  }

  async #superviseHere(specification: LaunchSpecification): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const ended = superviseRun(specification, () => resolve());
      this.#supervised.set(specification.runId, ended);
      ended.then(() => resolve(), reject);
    });
  }

  async #startSupervisor(specification: LaunchSpecification): Promise<void> {
    const directory = new LocalRunDirectory(specification.directory);
    const log = await fs.open(path.join(directory.root, 'supervisor.log'), 'a');
    try {
      const child = spawn(process.execPath, [supervisorEntry()], {
        detached: true,
        stdio: ['pipe', 'pipe', log.fd],
        cwd: directory.root,
      });
      const { stdin, stdout } = child as typeof child & {
        stdin: NodeJS.WritableStream;
        stdout: NodeJS.ReadableStream & { destroy(): void };
      };
      const started = new Promise<void>((resolve, reject) => {
        let output = '';
        stdout.on('data', (data: Buffer) => {
          output += data.toString('utf8');
          if (output.includes('\n')) resolve();
        });
        child.once('error', reject);
        child.once('exit', (code) => {
          if (output.includes('\n')) resolve();
          else
            reject(
              new Error(
                `The run supervisor exited with code ${code}; see ${path.join(directory.root, 'supervisor.log')}.`,
              ),
            );
        });
      });
      stdin.end(JSON.stringify(specification));
      await started;
      stdout.destroy();
      child.unref();
    } finally {
      await log.close();
    }
  }

  #directory(handle: RunHandleV1): LocalRunDirectory {
    const directory = handle.data.directory;
    if (typeof directory !== 'string') {
      throw new InvalidArgumentError({
        argument: 'handle',
        message: `The handle of run ${handle.runId} is not a local backend handle.`,
        hint: 'Pass the handle that startRun returned for this run.',
      });
    }
    return new LocalRunDirectory(directory);
  }

  /**
   * The run's state, with one correction: a run whose supervisor died (the calling process was killed)
   * cannot report its end, so once its processes are gone it is recorded as failed, not left running.
   */
  async #currentState(handle: RunHandleV1): Promise<LocalRunState> {
    const directory = this.#directory(handle);
    const state = await readLocalRunState(directory);
    if (!state) {
      throw new RunNotFoundError({
        runId: handle.runId,
        message: `The local backend has no files for run ${handle.runId} (looked in ${directory.root}).`,
        hint: 'The run directory was removed, or the run was started with another state directory.',
      });
    }
    if (isTerminalRunStatus(state.status) || this.#supervised.has(handle.runId)) return state;
    if (state.supervisorPid !== undefined && isProcessAlive(state.supervisorPid)) return state;
    if (state.processGroupId !== undefined && isProcessGroupAlive(state.processGroupId)) return state;
    // Re-read: the supervisor may have finished between the two reads.
    const latest = await readLocalRunState(directory);
    if (latest && isTerminalRunStatus(latest.status)) return latest;
    const final = await writeFinalState(directory, {
      ...state,
      status: 'failed',
      endedAt: new Date().toISOString(),
      reason: 'The process supervising this run ended before the program did, so its exit code is unknown.',
    });
    await releaseGpus(this.#gpuClaimDirectory, handle.runId);
    return final;
  }
}

/**
 * The supervisor's entry file: beside this module once built; from the package's build when this
 * module runs from its TypeScript source (in this package's own tests).
 */
function supervisorEntry(): string {
  const beside = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../dist/supervisor-main.js', import.meta.url));
}

async function readEndpoints(directory: LocalRunDirectory): Promise<ServiceEndpoint[] | undefined> {
  try {
    return JSON.parse(await fs.readFile(directory.endpoints, 'utf8')) as ServiceEndpoint[];
  } catch {
    return undefined;
  }
}

function publicState(state: LocalRunState): RunState {
  const { supervisorPid: _supervisor, processGroupId: _group, gpus: _gpus, ...rest } = state;
  return rest;
}

function waitForChange(directory: string, timeoutMilliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = () => {
      clearTimeout(timer);
      watcher?.close();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMilliseconds);
    try {
      watcher = watch(directory, done);
      watcher.on('error', done);
    } catch {
      // The directory may be gone; the timer still wakes the caller.
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
