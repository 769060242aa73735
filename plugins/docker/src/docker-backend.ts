import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  abortable,
  anySignal,
  type ContainerCommand,
  checkRunId,
  checkServiceOptions,
  containerCommand,
  LogDecoder,
  type Readiness,
  resultPath,
  waitForServiceReadiness,
} from '@icl/backend-kit';
import {
  type BackendCapabilitiesV1,
  type BackendContextV1,
  type BackendV1,
  InvalidArgumentError,
  type Inventory,
  isTerminalRunStatus,
  type JsonValue,
  type LogChunk,
  type ReadLogsOptionsV1,
  ResourceUnavailableError,
  type RunHandleV1,
  type RunRequestV1,
  type RunState,
  type ServiceOptions,
  type StartRunOptionsV1,
  UnsupportedCapabilityError,
} from '@icl/core';
import type Dockerode from 'dockerode';
import { containerName, containerSpecification } from './container-specification';
import { demultiplexedOutput } from './demultiplexed-output';
import { dockerErrorMessage, dockerStatusCode } from './docker-api-error';
import type { DockerBackendSettings } from './docker-backend-settings';
import type { DockerConnection } from './docker-connection';
import { dockerInventory } from './docker-inventory';
import { DockerRunDirectory, type DockerRunRecord } from './docker-run-directory';
import { fileShippingMethod, isSelinuxEnforcing } from './file-shipping-method';
import { gpuDeviceRequests, hasNvidiaRuntime, noGpuRuntimeError } from './gpu-device-requests';
import { probeGpus } from './gpu-probe';
import { OutputCapture } from './output-capture';
import { persistContainerOutput } from './persisted-output';
import { dockerTimestamp, type FunctionResult, runOutcome } from './run-outcome';
import { RuntimeImages } from './runtime-images';
import { serviceEndpoints } from './service-endpoints';

import { StagedFiles } from './staged-files';
import { createTarArchive, preloadTarArchive, readFirstTarFile } from './tar-archive';
import { timeoutCommand } from './timeout-command';
import { unseenFilesError } from './unseen-files-error';
import { shipsFolders, workspaceArchiveEntries } from './workspace-archive';

const defaultReadinessTimeout = 60_000;

/**
 * Programs in containers on a Docker daemon. Each run is one container (`icl-<runId>`), labelled as
 * ICL's, with copies of the program and its files put in before it starts (uploaded, or staged in the
 * run's directory and bind-mounted: see {@link fileShippingMethod}) and `docker-init` as PID 1 so
 * stopping it stops everything the program started. The daemon supervises the container, so every
 * run outlives the process that started it; timeouts are enforced inside the container.
 *
 * When a run ends, whichever process sees it first (the starter, `icl logs`, `icl status`) copies the
 * complete output and the final state into the run's directory on this machine and then removes the
 * container, so finished runs stay readable and no container is left behind.
 */
export class DockerBackend implements BackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name = 'docker';
  readonly capabilities: BackendCapabilitiesV1 = {
    jobs: true,
    services: true,
    // Checked per request against the daemon's runtimes: GPU requests on a daemon without the NVIDIA
    // runtime are refused with how to install it.
    gpus: true,
    provisioning: false,
    logFollow: true,
    cancel: true,
    files: true,
    schedules: false,
    pythonFunctions: true,
    timeout: true,
    detach: true,
  };

  readonly #connection: DockerConnection;
  readonly #settings: DockerBackendSettings;
  readonly #runsDirectory: string;
  readonly #graceSeconds: number;
  readonly #images: RuntimeImages;
  /** Ends being recorded by this process, so concurrent observers record each end once. */
  readonly #endings = new Map<string, Promise<RunState>>();
  /** Attached runs whose end this process waits for and records as soon as it happens. */
  readonly #supervised = new Map<string, Promise<RunState>>();
  /** Output of attached runs started by this process, captured from before their start. */
  readonly #captures = new Map<string, OutputCapture>();
  /** Aborts waits and log streams still open when the backend is closed. */
  readonly #closing = new AbortController();

  constructor(settings: DockerBackendSettings, context: BackendContextV1, connection: DockerConnection) {
    this.#settings = settings;
    this.#connection = connection;
    this.#runsDirectory = path.join(settings.stateDirectory ?? context.stateDirectory, 'runs');
    this.#graceSeconds = settings.graceSeconds ?? 5;
    this.#images = new RuntimeImages(connection, settings);
  }

  async inventory(): Promise<Inventory> {
    return this.#connection.use(async (docker) => {
      const info = await docker.info();
      const baseImage = this.#settings.baseImage;
      return dockerInventory(info, async () => {
        if (!baseImage || !(await imageExists(docker, baseImage))) return [];
        return probeGpus(docker, baseImage);
      });
    });
  }

  async startRun(request: RunRequestV1, options: StartRunOptionsV1 = {}): Promise<RunHandleV1> {
    checkRunId(request.runId);
    const service = request.program.service;
    if (service) checkServiceOptions(service);
    const command = containerCommand(request.program);
    const entries = await workspaceArchiveEntries(request);
    const setting = this.#settings.shipFiles ?? 'auto';
    const circumstances = {
      setting,
      daemonHost: this.#connection.host,
      platform: process.platform,
      keepContainers: this.#settings.keepContainers === true,
      shipsFolders: shipsFolders(entries),
      selinuxEnforcing: setting === 'auto' && (await isSelinuxEnforcing()),
    };
    // The archive library loads while the daemon is asked about the image, unless files will be mounted
    // (as they are, for most images, which run as root).
    if (entries.length > 1 && fileShippingMethod({ ...circumstances, runsAsRoot: true }) === 'copy') {
      preloadTarArchive();
    }

    // The first call to the daemon: a daemon that is down is reported before anything is created.
    const gpu = request.resources.gpu;
    if (gpu) {
      const info = await this.#connection.use((docker) => docker.info());
      if (!hasNvidiaRuntime(info)) throw noGpuRuntimeError(this.#connection.host, gpu);
    }
    const { image, runsAsRoot } = await this.#images.prepare(request, options);
    options.signal?.throwIfAborted();
    // A command without files needs nothing copied in, unless a non-root user needs /workspace writable.
    const shipsFiles = entries.length > 1 || !runsAsRoot;
    const mountsFiles = shipsFiles && fileShippingMethod({ ...circumstances, runsAsRoot }) === 'mount';
    const deviceRequests = gpu
      ? await this.#connection.use((docker) => gpuDeviceRequests(gpu, () => probeGpus(docker, image)))
      : undefined;

    const directory = new DockerRunDirectory(path.join(this.#runsDirectory, request.runId));
    await directory.create();
    const record: DockerRunRecord = {
      containerName: containerName(request.runId),
      image,
      returnsResult: command.returnsResult,
      ...(request.timeoutMilliseconds === undefined
        ? {}
        : { timeoutMilliseconds: request.timeoutMilliseconds }),
      ...(mountsFiles ? { filesMounted: true } : {}),
    };
    const handle: RunHandleV1 = {
      runId: request.runId,
      data: { containerName: record.containerName, directory: directory.root },
    };

    const supervised = !request.detach && !service;
    let container: Dockerode.Container | undefined;
    let capture: OutputCapture | undefined;
    try {
      const staged = new StagedFiles(directory.files);
      const mounts = mountsFiles ? staged.mounts(entries, { wholeWorkspace: !runsAsRoot }) : undefined;
      const [created, recorded] = await Promise.allSettled([
        (async () => {
          if (mountsFiles) await staged.write(entries);
          return this.#createContainer(request, image, command, deviceRequests, mounts);
        })(),
        directory.writeRecord(record),
      ]);
      if (created.status === 'fulfilled') container = created.value;
      else throw created.reason;
      if (recorded.status === 'rejected') throw recorded.reason;
      if (shipsFiles && !mountsFiles) {
        const archive = await createTarArchive(entries);
        await this.#connection.use(() => container!.putArchive(archive, { path: '/' }));
      }
      if (supervised) {
        capture = await this.#connection.use((docker) => OutputCapture.attach(docker, container!, directory));
      }
      options.signal?.throwIfAborted();
    } catch (error) {
      // Nothing ran: leave nothing behind.
      capture?.stop();
      if (container) await container.remove({ force: true, v: true }).catch(() => {});
      await fs.rm(directory.root, { recursive: true, force: true });
      throw error;
    }

    if (capture) this.#captures.set(request.runId, capture);
    try {
      await this.#connection.use(() => container!.start());
    } catch (error) {
      capture?.stop();
      const explained = this.#connection.explain(error);
      if (explained !== error) {
        this.#captures.delete(request.runId);
        await container.remove({ force: true, v: true }).catch(() => {});
        await fs.rm(directory.root, { recursive: true, force: true });
        throw explained;
      }
      // The container exists but its program could not start: the run ends failed, with why.
      await directory.requestStop({
        status: 'failed',
        reason: `Docker could not start the container: ${dockerErrorMessage(error)}`,
      });
      await this.#recordEnd(handle, directory, record);
      return handle;
    }

    if (service) {
      try {
        await this.#waitUntilReady(handle, directory, record, service, options.signal);
      } catch (error) {
        // Aborted or failed while waiting: the caller gets no handle, so nothing may keep running.
        await container.remove({ force: true, v: true }).catch(() => {});
        await fs.rm(directory.root, { recursive: true, force: true });
        throw error;
      }
    } else if (supervised) this.#supervise(handle, directory, record);
    return handle;
  }

  async getRunState(handle: RunHandleV1): Promise<RunState> {
    const directory = this.#directory(handle);
    const final = await directory.readFinalState();
    if (final) return final;
    return this.#observe(handle, directory, await this.#record(handle, directory));
  }

  async *readLogs(handle: RunHandleV1, options: ReadLogsOptionsV1 = {}): AsyncGenerator<LogChunk> {
    const directory = this.#directory(handle);
    const decoder = new LogDecoder();
    const signal = anySignal(options.signal, this.#closing.signal);

    let final = await directory.readFinalState();
    const capture = this.#captures.get(handle.runId);
    if (!final && capture) {
      for await (const output of capture.read(decoder.offsets, options.follow ?? false, signal)) {
        const chunk = decoder.decode(output);
        if (chunk) yield chunk;
      }
      if (signal.aborted) return;
      if (!options.follow) {
        yield* decoder.flush();
        return;
      }
      final = await this.waitForRun(handle, { signal });
    } else if (!final) {
      const record = await this.#record(handle, directory);
      const docker = await this.#connection.client();
      const container = docker.getContainer(record.containerName);
      let source: NodeJS.ReadableStream | undefined;
      try {
        source = await this.#containerLogs(container, options.follow ?? false, signal);
      } catch (error) {
        if (dockerStatusCode(error) !== 404) throw this.#connection.explain(error);
      }
      if (source) {
        try {
          for await (const output of demultiplexedOutput(docker, source, signal)) {
            const chunk = decoder.decode(output);
            if (chunk) yield chunk;
          }
        } catch (error) {
          // The container was removed while we read (another process recorded its end): the rest is in
          // the run directory.
          if (!signal.aborted && (await directory.readFinalState()) === undefined)
            throw this.#connection.explain(error);
        }
      }
      if (signal.aborted) return;
      if (source && !options.follow) {
        yield* decoder.flush();
        return;
      }
      // The container has stopped or is gone: make sure its end and complete output are recorded, then
      // deliver whatever the live stream did not.
      final = await this.waitForRun(handle, { signal });
    }
    for await (const output of directory.readOutput(decoder.offsets)) {
      if (signal.aborted) return;
      const chunk = decoder.decode(output);
      if (chunk) yield chunk;
    }
    yield* decoder.flush();
  }

  async waitForRun(handle: RunHandleV1, options: { signal?: AbortSignal } = {}): Promise<RunState> {
    const directory = this.#directory(handle);
    const signal = anySignal(options.signal, this.#closing.signal);
    for (;;) {
      signal.throwIfAborted();
      const final = await directory.readFinalState();
      if (final) return final;
      const supervised = this.#supervised.get(handle.runId);
      if (supervised) {
        const ended = await abortable(supervised, signal).catch(() => undefined);
        if (ended) return ended;
        continue;
      }
      const record = await this.#record(handle, directory);
      const state = await this.#observe(handle, directory, record);
      if (isTerminalRunStatus(state.status)) return state;
      if (state.status === 'pending') {
        // Created but not started yet (another process is still starting it).
        await abortable(new Promise((resolve) => setTimeout(resolve, 200)), signal);
        continue;
      }
      await this.#connection.use(async (docker) => {
        try {
          await docker.getContainer(record.containerName).wait({ abortSignal: signal });
        } catch (error) {
          if (dockerStatusCode(error) !== 404) throw error;
        }
      });
    }
  }

  async cancelRun(handle: RunHandleV1): Promise<RunState> {
    const directory = this.#directory(handle);
    const final = await directory.readFinalState();
    if (final) return final;
    const record = await this.#record(handle, directory);
    const state = await this.#observe(handle, directory, record);
    if (isTerminalRunStatus(state.status)) return state;
    await directory.requestStop({ status: 'cancelled', reason: 'Cancelled by request.' });
    await this.#connection.use(async (docker) => {
      try {
        await docker.getContainer(record.containerName).stop({ t: this.#graceSeconds });
      } catch (error) {
        // 304: it stopped by itself meanwhile; 404: another process already removed it.
        if (dockerStatusCode(error) !== 304 && dockerStatusCode(error) !== 404) throw error;
      }
    });
    return this.#recordEnd(handle, directory, record);
  }

  /**
   * Stops waiting and capturing, so the process can exit. The daemon keeps every run going; whoever
   * looks at a run next records its end.
   */
  async close(): Promise<void> {
    for (const capture of this.#captures.values()) capture.stop();
    this.#closing.abort(new Error('The docker backend was closed.'));
    await Promise.allSettled(this.#supervised.values());
  }

  async #createContainer(
    request: RunRequestV1,
    image: string,
    command: ContainerCommand,
    deviceRequests: Dockerode.DeviceRequest[] | undefined,
    mounts: Dockerode.MountSettings[] | undefined,
  ): Promise<Dockerode.Container> {
    const argv =
      request.timeoutMilliseconds === undefined
        ? command.argv
        : timeoutCommand(command.argv, request.timeoutMilliseconds, this.#graceSeconds);
    const specification = containerSpecification(request, {
      image,
      argv,
      graceSeconds: this.#graceSeconds,
      ...(deviceRequests ? { deviceRequests } : {}),
      ...(mounts ? { mounts } : {}),
    });
    return this.#connection.use(async (docker) => {
      let container: Dockerode.Container;
      try {
        container = await docker.createContainer(specification);
      } catch (error) {
        throw resourceError(error, request) ?? unseenFilesError(error, this.#connection.host) ?? error;
      }
      if (request.timeoutMilliseconds !== undefined) await checkTimeoutCommand(container, image);
      return container;
    });
  }

  /** Waits in the background for an attached run to end and records the end right away. */
  #supervise(handle: RunHandleV1, directory: DockerRunDirectory, record: DockerRunRecord): void {
    const ended = (async () => {
      await this.#connection.use(async (docker) => {
        try {
          await docker.getContainer(record.containerName).wait({ abortSignal: this.#closing.signal });
        } catch (error) {
          if (dockerStatusCode(error) !== 404) throw error;
        }
      });
      return this.#recordEnd(handle, directory, record);
    })();
    this.#supervised.set(handle.runId, ended);
    ended.then(
      () => this.#supervised.delete(handle.runId),
      () => this.#supervised.delete(handle.runId),
    );
  }

  /**
   * Waits until a service answers on its readiness port, then records its endpoints. A service that
   * exits first or does not answer in time is stopped and ends `failed` with the reason.
   */
  async #waitUntilReady(
    handle: RunHandleV1,
    directory: DockerRunDirectory,
    record: DockerRunRecord,
    service: ServiceOptions,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const docker = await this.#connection.client();
    const container = docker.getContainer(record.containerName);
    const inspected = await this.#connection.use(() => container.inspect());
    const endpoints = serviceEndpoints(service, inspected.NetworkSettings?.Ports, this.#connection.host);
    const port = service.readiness?.port ?? service.ports[0];
    const checked = endpoints.find((endpoint) => endpoint.port === port);
    const timeout = service.readiness?.timeoutMilliseconds ?? defaultReadinessTimeout;
    let readiness: Readiness = { ready: true };
    // A service that already exited has no published ports left to check.
    if (port !== undefined && !inspected.State.Running) readiness = { ready: false, exited: true };
    else if (checked) {
      readiness = await waitForServiceReadiness({
        address: checked.address,
        port: checked.hostPort,
        ...(service.readiness?.path === undefined ? {} : { path: service.readiness.path }),
        timeoutMilliseconds: timeout,
        isRunning: async () => {
          try {
            return (await container.inspect()).State.Running;
          } catch {
            return false;
          }
        },
        ...(signal ? { signal } : {}),
      });
    }
    if (!readiness.ready) {
      const what = service.readiness?.path ? `GET ${service.readiness.path} on port ${port}` : `port ${port}`;
      await directory.requestStop({
        status: 'failed',
        reason: readiness.exited
          ? `The service exited before it answered on ${what}.`
          : `The service did not answer on ${what} within ${timeout} ms, so it was stopped.`,
      });
      await container.stop({ t: this.#graceSeconds }).catch(() => {});
      await this.#recordEnd(handle, directory, record);
      return;
    }
    record.endpoints = endpoints.map(({ port: servicePort, url }) => ({ port: servicePort, url }));
    await directory.writeRecord(record);
  }

  /**
   * The run's state from its container. A stopped container's end is recorded on the way (output,
   * result and final state persisted, container removed).
   */
  async #observe(
    handle: RunHandleV1,
    directory: DockerRunDirectory,
    record: DockerRunRecord,
  ): Promise<RunState> {
    let inspected: Dockerode.ContainerInspectInfo;
    try {
      inspected = await this.#connection.use(async (docker) =>
        docker.getContainer(record.containerName).inspect(),
      );
    } catch (error) {
      if (dockerStatusCode(error) !== 404) throw error;
      return this.#recordEnd(handle, directory, record);
    }
    const status = inspected.State.Status;
    if (status === 'created') return { status: 'pending' };
    if (status === 'running' || status === 'paused' || status === 'restarting') {
      const state: RunState = { status: 'running' };
      const startedAt = dockerTimestamp(inspected.State.StartedAt);
      if (startedAt) state.startedAt = startedAt;
      if (record.endpoints) state.endpoints = record.endpoints;
      return state;
    }
    return this.#recordEnd(handle, directory, record, inspected);
  }

  /**
   * Records how a stopped run ended, once per process and once overall: its complete output, its
   * function result, its final state (whichever process records it first wins), then removes the
   * container unless settings keep it.
   */
  #recordEnd(
    handle: RunHandleV1,
    directory: DockerRunDirectory,
    record: DockerRunRecord,
    inspected?: Dockerode.ContainerInspectInfo,
  ): Promise<RunState> {
    let ending = this.#endings.get(handle.runId);
    if (!ending) {
      ending = this.#connection
        .use((docker) => this.#persistEnd(docker, handle, directory, record, inspected))
        .finally(() => {
          this.#endings.delete(handle.runId);
          this.#captures.delete(handle.runId);
        });
      this.#endings.set(handle.runId, ending);
    }
    return ending;
  }

  async #persistEnd(
    docker: Dockerode,
    handle: RunHandleV1,
    directory: DockerRunDirectory,
    record: DockerRunRecord,
    inspected: Dockerode.ContainerInspectInfo | undefined,
  ): Promise<RunState> {
    const existing = await directory.readFinalState();
    const container = docker.getContainer(record.containerName);
    if (existing) {
      await this.#release(container, directory, record);
      return existing;
    }
    // Output captured since the start is complete once the container's streams close.
    const capture = this.#captures.get(handle.runId);
    const captured = capture
      ? await capture.done.then(
          () => true,
          () => false,
        )
      : false;
    try {
      inspected ??= await container.inspect();
      if (!captured) await persistContainerOutput(docker, container, directory);
    } catch (error) {
      if (dockerStatusCode(error) !== 404) throw error;
      // Gone: another process recorded the end and removed it, or someone removed it outside ICL.
      if (record.filesMounted) await new StagedFiles(directory.files).remove();
      const recorded = await directory.readFinalState();
      if (recorded) return recorded;
      return directory.writeFinalState({
        status: 'failed',
        endedAt: new Date().toISOString(),
        reason: `The container ${record.containerName} was removed before ICL recorded how the run ended.`,
      });
    }
    const stopRequest = await directory.readStopRequest();
    const exitedCleanly = inspected.State.ExitCode === 0 && !stopRequest;
    let result: FunctionResult | undefined;
    if (record.returnsResult && exitedCleanly) {
      result = record.filesMounted
        ? await readMountedResult(new StagedFiles(directory.files))
        : await readResult(container);
    }
    const final = await directory.writeFinalState(runOutcome(inspected.State, record, stopRequest, result));
    await this.#release(container, directory, record);
    return final;
  }

  /**
   * Removes a finished run's container and its staged files, unless settings keep containers (whose
   * mounts still need the files).
   */
  async #release(
    container: Dockerode.Container,
    directory: DockerRunDirectory,
    record: DockerRunRecord,
  ): Promise<void> {
    if (this.#settings.keepContainers) return;
    // The container has stopped, so its files can go while the daemon removes it.
    await Promise.all([
      removeContainer(container),
      record.filesMounted ? new StagedFiles(directory.files).remove() : undefined,
    ]);
  }

  async #containerLogs(
    container: Dockerode.Container,
    follow: boolean,
    signal: AbortSignal,
  ): Promise<NodeJS.ReadableStream> {
    if (follow) {
      return container.logs({ follow: true, stdout: true, stderr: true, abortSignal: signal });
    }
    // Without follow, dockerode answers with the whole output at once.
    const output = await container.logs({ follow: false, stdout: true, stderr: true, abortSignal: signal });
    return Readable.from([output]);
  }

  #directory(handle: RunHandleV1): DockerRunDirectory {
    const directory = handle.data.directory;
    if (typeof directory !== 'string' || typeof handle.data.containerName !== 'string') {
      throw new InvalidArgumentError({
        argument: 'handle',
        message: `The handle of run ${handle.runId} is not a docker backend handle.`,
        hint: 'Pass the handle that startRun returned for this run.',
      });
    }
    return new DockerRunDirectory(directory);
  }

  async #record(handle: RunHandleV1, directory: DockerRunDirectory): Promise<DockerRunRecord> {
    return directory.requireRecord(handle.runId, 'docker');
  }
}

/** A create error about CPUs or memory, in the user's terms. */
function resourceError(error: unknown, request: RunRequestV1): ResourceUnavailableError | undefined {
  if (dockerStatusCode(error) !== 400) return undefined;
  const message = dockerErrorMessage(error);
  const resource = /cpu/i.test(message) ? 'cpu' : /memory/i.test(message) ? 'memory' : undefined;
  if (!resource) return undefined;
  const asked =
    resource === 'cpu' ? `${request.resources.cpu} CPUs` : `${request.resources.memoryBytes} bytes of memory`;
  return new ResourceUnavailableError({
    resource,
    message: `The Docker daemon cannot give this run ${asked}: ${message}`,
    hint: 'Ask for less, or run on an infrastructure with more (icl infra ls shows what each has).',
  });
}

/** Where images have `timeout`, by image: checked once per image and process. */
const imagesWithTimeout = new Set<string>();

/**
 * Checks the image has the `timeout` command that enforces run timeouts inside the container, so a
 * run with a timeout is refused up front rather than failing with "not found".
 *
 * @throws UnsupportedCapabilityError naming the image and how to add the command.
 */
async function checkTimeoutCommand(container: Dockerode.Container, image: string): Promise<void> {
  if (imagesWithTimeout.has(image)) return;
  for (const candidate of ['/usr/bin/timeout', '/bin/timeout']) {
    try {
      await container.infoArchive({ path: candidate });
      imagesWithTimeout.add(image);
      return;
    } catch (error) {
      if (dockerStatusCode(error) !== 404) throw error;
    }
  }
  await container.remove({ force: true }).catch(() => {});
  throw new UnsupportedCapabilityError({
    backendName: 'docker',
    capability: 'timeout',
    message: `The image ${image} has no timeout command, which the docker backend uses to stop a run at its timeout.`,
    hint: "Use an image with GNU coreutils or busybox (most have it), add coreutils to the runtime's apt packages, or run without a timeout.",
  });
}

async function readResult(container: Dockerode.Container): Promise<FunctionResult> {
  try {
    const archive = (await container.getArchive({ path: resultPath })) as NodeJS.ReadableStream;
    const content = await readFirstTarFile(archive);
    if (content === undefined) throw new Error(`${resultPath} is not a file`);
    return { ok: true, value: JSON.parse(content.toString('utf8')) as JsonValue };
  } catch (error) {
    return {
      ok: false,
      reason: `The function returned, but its result could not be read: ${dockerErrorMessage(error)}`,
    };
  }
}

async function readMountedResult(staged: StagedFiles): Promise<FunctionResult> {
  try {
    const content = await staged.read(resultPath);
    if (content === undefined) throw new Error(`${resultPath} is not a file`);
    return { ok: true, value: JSON.parse(content.toString('utf8')) as JsonValue };
  } catch (error) {
    return {
      ok: false,
      reason: `The function returned, but its result could not be read: ${(error as Error).message}`,
    };
  }
}

async function removeContainer(container: Dockerode.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    // 404: already removed; 409: removal already in progress (another process).
    const status = dockerStatusCode(error);
    if (status !== 404 && status !== 409) throw error;
  }
}

async function imageExists(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}
