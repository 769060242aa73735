import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  abortable,
  anySignal,
  checkRunId,
  checkServiceOptions,
  LogDecoder,
  type StopRequest,
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
  type LogStream,
  type ReadLogsOptionsV1,
  type RunHandleV1,
  type RunRequestV1,
  type RunState,
  type ServiceOptions,
  type StartRunOptionsV1,
} from '@icl/core';
import type { V1Deployment, V1Job, V1Node, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { FramedOutputParser } from './framed-output-parser';
import { type GpuPlacement, gpuPlacement } from './gpu-placement';
import { isNotFound } from './kubernetes-api-error';
import type { KubernetesBackendSettings } from './kubernetes-backend-settings';
import type { KubernetesClient, KubernetesConnection } from './kubernetes-connection';
import { kubernetesInventory } from './kubernetes-inventory';
import { KubernetesPermissionError } from './kubernetes-permission-error';
import { KubernetesRunDirectory, type KubernetesRunRecord } from './kubernetes-run-directory';
import { createOutputMarker } from './output-wrapper';
import { podOutput } from './pod-output';
import { programContainerName } from './pod-template';
import { runFiles } from './run-files';
import { buildRunManifests, type RunManifests } from './run-manifests';
import { RunObserver } from './run-observer';
import { type FunctionResult, type Outcome, runOutcome } from './run-outcome';
import type { RuntimeImages } from './runtime-images';
import { startPortForward, stopPortForward } from './service-port-forward';
import { SimulatedNodes } from './simulated-nodes';

const defaultReadinessTimeout = 60_000;
const defaultSchedulingTimeoutSeconds = 20;
/** How long cancel waits for a run's objects to be gone, beyond the grace period. */
const deletionAllowanceMilliseconds = 30_000;

/** How the backend is put together, from its factory. */
export interface KubernetesBackendParts {
  /** The backend's name (`k8s`; `kind` when the kind plugin creates it). */
  name: string;
  settings: KubernetesBackendSettings;
  context: BackendContextV1;
  connection: KubernetesConnection;
  images: RuntimeImages;
  /** A kubeconfig as text, handed to the port-forwarding process of services. */
  kubeconfigContent?: string;
}

/**
 * Programs as Kubernetes Jobs, services as a Deployment and a Service, on any cluster a kubeconfig
 * reaches. Each run's objects are named `icl-<run id>` and labelled as ICL's; its files travel in a
 * ConfigMap and its environment in a Secret; GPUs are asked for as `nvidia.com/gpu` on nodes of the
 * requested model; the timeout is the Job's `activeDeadlineSeconds`, so the cluster enforces it even
 * when nobody watches. Status comes from watches of the Job and its pods; a pod the scheduler cannot
 * place fails the run with the scheduler's reason once the scheduling timeout has passed.
 *
 * When a run ends, whichever process sees it first (the starter, `icl logs`, `icl status`) keeps its
 * output and final state in the run's directory on this machine and deletes the Job with its pods, so
 * finished runs stay readable and nothing is left in the cluster.
 */
export class KubernetesBackend implements BackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name: string;
  readonly capabilities: BackendCapabilitiesV1 = {
    jobs: true,
    services: true,
    gpus: true,
    provisioning: false,
    logFollow: true,
    cancel: true,
    files: true,
    // The core has no notion of a scheduled program yet, so there is nothing to turn into a CronJob.
    schedules: false,
    pythonFunctions: true,
    timeout: true,
    detach: true,
  };

  readonly #settings: KubernetesBackendSettings;
  readonly #connection: KubernetesConnection;
  readonly #images: RuntimeImages;
  readonly #runsDirectory: string;
  readonly #kubeconfigContent: string | undefined;
  readonly #simulatedNodes: SimulatedNodes;
  /** Ends being recorded by this process, so concurrent observers record each end once. */
  readonly #endings = new Map<string, Promise<RunState>>();
  /** Aborts waits and log streams still open when the backend is closed. */
  readonly #closing = new AbortController();

  constructor(parts: KubernetesBackendParts) {
    this.name = parts.name;
    this.#settings = parts.settings;
    this.#connection = parts.connection;
    this.#images = parts.images;
    this.#kubeconfigContent = parts.kubeconfigContent;
    this.#runsDirectory = path.join(parts.settings.stateDirectory ?? parts.context.stateDirectory, 'runs');
    this.#simulatedNodes = new SimulatedNodes(parts.connection);
  }

  async inventory(): Promise<Inventory> {
    const nodes = await this.#connection.call(
      { verb: 'list', resource: 'nodes', clusterWide: true },
      (client) => client.core.listNode(),
    );
    return kubernetesInventory(nodes.items, this.#gpuSettings());
  }

  async startRun(request: RunRequestV1, options: StartRunOptionsV1 = {}): Promise<RunHandleV1> {
    checkRunId(request.runId);
    const service = request.program.service;
    if (service) checkServiceOptions(service, { portsRequired: true });
    const client = await this.#connection.client();
    const [gpu, files, image] = await Promise.all([
      this.#placeGpus(request),
      runFiles(request),
      this.#images.prepare(request, options),
    ]);
    options.signal?.throwIfAborted();
    const outputMarker = createOutputMarker();
    const manifests = buildRunManifests(request, {
      namespace: client.namespace,
      image,
      outputMarker,
      settings: this.#settings,
      files,
      ...(gpu ? { gpu } : {}),
    });
    const name = manifests.workload.metadata!.name!;
    const directory = new KubernetesRunDirectory(path.join(this.#runsDirectory, request.runId));
    await directory.create();
    const record: KubernetesRunRecord = {
      runId: request.runId,
      namespace: client.namespace,
      name,
      workload: service ? 'service' : 'job',
      outputMarker,
      image,
      returnsResult: request.program.kind === 'function',
      ...(request.timeoutMilliseconds === undefined
        ? {}
        : { timeoutMilliseconds: request.timeoutMilliseconds }),
    };
    const handle: RunHandleV1 = {
      runId: request.runId,
      data: { namespace: client.namespace, name, directory: directory.root },
    };
    try {
      await directory.writeRecord(record);
      await this.#create(client, manifests);
    } catch (error) {
      // Nothing runs: leave nothing behind.
      await this.#deleteObjects(record, 'Background').catch(() => {});
      await fs.rm(directory.root, { recursive: true, force: true });
      throw error;
    }
    if (service) {
      try {
        await this.#waitUntilReady(directory, record, request, service, options.signal);
      } catch (error) {
        // Aborted or failed while waiting: the caller gets no handle, so nothing may keep running.
        await stopPortForward((await directory.readRecord())?.portForwardProcess);
        await this.#deleteObjects(record, 'Background').catch(() => {});
        await fs.rm(directory.root, { recursive: true, force: true });
        throw error;
      }
    }
    return handle;
  }

  async getRunState(handle: RunHandleV1): Promise<RunState> {
    const directory = this.#directory(handle);
    const final = await directory.readFinalState();
    if (final) return final;
    const record = await this.#record(handle, directory);
    const outcome = await this.#observe(record, directory);
    if (isTerminalRunStatus(outcome.state.status)) return this.#recordEnd(directory, record, outcome);
    return outcome.state;
  }

  async *readLogs(handle: RunHandleV1, options: ReadLogsOptionsV1 = {}): AsyncGenerator<LogChunk> {
    const directory = this.#directory(handle);
    const signal = anySignal(options.signal, this.#closing.signal);
    const decoder = new LogDecoder();
    const follow = options.follow ?? false;

    if (!(await directory.readFinalState())) {
      const record = await this.#record(handle, directory);
      const outcome = follow
        ? await this.#waitForStart(record, directory, signal)
        : await this.#observe(record, directory);
      if (signal.aborted) return;
      if (isTerminalRunStatus(outcome.state.status)) {
        await this.#recordEnd(directory, record, outcome);
      } else if (outcome.pod && containerStarted(outcome.pod) && (await this.#hasOutput(outcome.pod))) {
        const parser = new FramedOutputParser(record.outputMarker);
        try {
          for await (const bytes of podOutput(
            this.#connection,
            record.namespace,
            outcome.pod.metadata!.name!,
            {
              follow,
              signal,
            },
          )) {
            for (const piece of parser.push(bytes)) {
              if (!('stream' in piece)) continue;
              const chunk = decoder.decode(piece);
              if (chunk) yield chunk;
            }
          }
        } catch (error) {
          if (signal.aborted) return;
          // The pod went away while we read (the run ended and another process recorded it): the rest is
          // in the run's directory. Anything else is worth reporting.
          if (!isNotFound(error) && !(await directory.readFinalState())) throw error;
        }
        if (signal.aborted) return;
        if (!follow) {
          yield* decoder.flush();
          return;
        }
      } else if (!follow) {
        return;
      }
      // The program has ended: make sure its end and complete output are recorded, then deliver whatever
      // the live stream did not.
      await this.waitForRun(handle, { signal });
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
    const final = await directory.readFinalState();
    if (final) return final;
    const record = await this.#record(handle, directory);
    const ending = this.#endings.get(record.runId);
    if (ending) return abortable(ending, signal);
    let terminal: Outcome | undefined;
    await new RunObserver(this.#connection, record).watch(async (observed) => {
      const outcome = runOutcome(observed, await this.#outcomeContext(record, directory));
      if (isTerminalRunStatus(outcome.state.status)) {
        terminal = outcome;
        return { done: true };
      }
      return {
        done: false,
        ...(outcome.reconsiderAt === undefined ? {} : { reconsiderAt: outcome.reconsiderAt }),
      };
    }, signal);
    return this.#recordEnd(directory, record, terminal!);
  }

  async cancelRun(handle: RunHandleV1): Promise<RunState> {
    const directory = this.#directory(handle);
    const final = await directory.readFinalState();
    if (final) return final;
    const record = await this.#record(handle, directory);
    const current = await this.#observe(record, directory);
    if (isTerminalRunStatus(current.state.status)) return this.#recordEnd(directory, record, current);
    const stop: StopRequest = { status: 'cancelled', reason: 'Cancelled by request.' };
    await directory.requestStop(stop);
    let ending = this.#endings.get(record.runId);
    if (!ending) {
      ending = this.#stop(directory, record, current, stop).finally(() => this.#endings.delete(record.runId));
      this.#endings.set(record.runId, ending);
    }
    return ending;
  }

  /** Stops waiting and following; the cluster keeps every run going, and whoever looks next records its end. */
  async close(): Promise<void> {
    this.#closing.abort(new Error('The Kubernetes backend was closed.'));
    await Promise.allSettled(this.#endings.values());
    this.#connection.close();
  }

  /**
   * Stops a run: starts reading its complete output (the stream ends when the program does), deletes its
   * workload with its pods in the foreground, then records the end with that output and waits until
   * nothing of the run is left in the cluster.
   */
  async #stop(
    directory: KubernetesRunDirectory,
    record: KubernetesRunRecord,
    current: Outcome,
    stop: StopRequest,
  ): Promise<RunState> {
    await stopPortForward(record.portForwardProcess);
    const pod = current.pod;
    const output =
      pod && containerStarted(pod) && (await this.#hasOutput(pod))
        ? this.#collectOutput(record, pod, true, AbortSignal.timeout(this.#graceMilliseconds() + 10_000))
        : undefined;
    await this.#deleteObjects(record, 'Foreground');
    const collected = await output?.catch(() => undefined);
    const final = await this.#persistEnd(directory, record, current, stop, collected);
    await this.#waitUntilGone(record);
    return final;
  }

  /**
   * Records how an ended run ended, once per process and once overall: its complete output (read from the
   * pod while it still exists), a function's result, its final state (whichever process records it first
   * wins); then deletes its objects unless settings keep Jobs.
   */
  #recordEnd(
    directory: KubernetesRunDirectory,
    record: KubernetesRunRecord,
    outcome: Outcome,
  ): Promise<RunState> {
    let ending = this.#endings.get(record.runId);
    if (!ending) {
      ending = (async () => {
        const existing = await directory.readFinalState();
        if (existing) {
          await this.#release(record, existing);
          return existing;
        }
        const stop = await directory.readStopRequest();
        const pod = outcome.pod;
        let collected: CollectedOutput | undefined;
        if (pod && containerStarted(pod) && (await this.#hasOutput(pod))) {
          collected = await this.#collectOutput(record, pod, false, AbortSignal.timeout(60_000)).catch(
            () => undefined,
          );
        }
        const final = await this.#persistEnd(directory, record, outcome, stop, collected);
        await this.#release(record, final);
        return final;
      })().finally(() => this.#endings.delete(record.runId));
      this.#endings.set(record.runId, ending);
    }
    return ending;
  }

  /**
   * Keeps an ended run's output, then its final state: a stop ICL requested decides the status; a
   * function that exited 0 succeeded only if its JSON result came back.
   */
  async #persistEnd(
    directory: KubernetesRunDirectory,
    record: KubernetesRunRecord,
    outcome: Outcome,
    stop: StopRequest | undefined,
    collected: CollectedOutput | undefined,
  ): Promise<RunState> {
    let state: RunState = outcome.state;
    if (stop) {
      state = {
        ...(state.startedAt ? { startedAt: state.startedAt } : {}),
        status: stop.status,
        reason: stop.reason,
        endedAt: state.endedAt ?? new Date().toISOString(),
      };
    } else if (record.returnsResult && state.status === 'succeeded') {
      const result = collected?.result;
      state = result?.ok
        ? { ...state, result: result.value }
        : {
            ...state,
            status: 'failed',
            reason:
              result?.reason ?? 'The function returned, but its result did not come back with its output.',
          };
    }
    await directory.writeOutput({
      stdout: collected?.stdout ?? Buffer.alloc(0),
      stderr: collected?.stderr ?? Buffer.alloc(0),
    });
    return directory.writeFinalState(state);
  }

  /** Reads a pod's whole output and takes it apart. */
  async #collectOutput(
    record: KubernetesRunRecord,
    pod: V1Pod,
    follow: boolean,
    signal: AbortSignal,
  ): Promise<CollectedOutput> {
    const parser = new FramedOutputParser(record.outputMarker);
    const parts: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
    let result: FunctionResult | undefined;
    const take = (pieces: ReturnType<FramedOutputParser['push']>) => {
      for (const piece of pieces) {
        if ('stream' in piece) parts[piece.stream].push(Buffer.from(piece.bytes));
        else {
          try {
            result = { ok: true, value: JSON.parse(piece.result.toString('utf8')) as JsonValue };
          } catch (error) {
            result = { ok: false, reason: `The function's result is not JSON: ${(error as Error).message}` };
          }
        }
      }
    };
    for await (const bytes of podOutput(this.#connection, record.namespace, pod.metadata!.name!, {
      follow,
      signal,
    })) {
      take(parser.push(bytes));
    }
    take(parser.end(true));
    return {
      stdout: Buffer.concat(parts.stdout),
      stderr: Buffer.concat(parts.stderr),
      ...(result ? { result } : {}),
    };
  }

  /**
   * Deletes an ended run's objects (settings may keep Jobs; services are always removed). When the
   * program did not end by itself (timed out, stopped), waits until they are gone, so nothing of it is
   * still stopping once the end is reported; a program that exited has nothing left running, and its
   * exited pods are collected in the background.
   */
  async #release(record: KubernetesRunRecord, final: RunState): Promise<void> {
    if (record.workload === 'service') await stopPortForward(record.portForwardProcess);
    if (this.#settings.keepJobs && record.workload === 'job') return;
    if (final.exitCode !== undefined) return this.#deleteObjects(record, 'Background');
    await this.#deleteObjects(record, 'Foreground');
    await this.#waitUntilGone(record);
  }

  async #deleteObjects(
    record: KubernetesRunRecord,
    propagationPolicy: 'Foreground' | 'Background',
  ): Promise<void> {
    const { namespace, name } = record;
    const ignoreMissing = (error: unknown) => {
      if (!isNotFound(error)) throw error;
    };
    const deletions: Promise<unknown>[] = [
      record.workload === 'job'
        ? this.#connection.call({ verb: 'delete', resource: 'jobs.batch' }, (client) =>
            client.batch.deleteNamespacedJob({ name, namespace, propagationPolicy }),
          )
        : this.#connection.call({ verb: 'delete', resource: 'deployments.apps' }, (client) =>
            client.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy }),
          ),
      this.#connection.call({ verb: 'delete', resource: 'configmaps' }, (client) =>
        client.core.deleteNamespacedConfigMap({ name, namespace }),
      ),
      this.#connection.call({ verb: 'delete', resource: 'secrets' }, (client) =>
        client.core.deleteNamespacedSecret({ name, namespace }),
      ),
    ];
    if (record.workload === 'service') {
      deletions.push(
        this.#connection.call({ verb: 'delete', resource: 'services' }, (client) =>
          client.core.deleteNamespacedService({ name, namespace }),
        ),
      );
    }
    const results = await Promise.allSettled(deletions.map((deletion) => deletion.catch(ignoreMissing)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Waits (watching) until the run's workload and pods are gone from the cluster, within a bound. */
  async #waitUntilGone(record: KubernetesRunRecord): Promise<void> {
    const bound = AbortSignal.timeout(this.#graceMilliseconds() + deletionAllowanceMilliseconds);
    await new RunObserver(this.#connection, record)
      .watch(
        (observed) => ({ done: observed.workload === undefined && observed.pods.length === 0 }),
        anySignal(bound, this.#closing.signal),
      )
      .catch(() => undefined);
  }

  /** Creates a run's objects: its files and environment, then the workload that uses them, then the Service. */
  async #create(client: KubernetesClient, manifests: RunManifests): Promise<void> {
    const namespace = client.namespace;
    await Promise.all([
      manifests.configMap &&
        this.#connection.call({ verb: 'create', resource: 'configmaps' }, () =>
          client.core.createNamespacedConfigMap({ namespace, body: manifests.configMap! }),
        ),
      manifests.secret &&
        this.#connection.call({ verb: 'create', resource: 'secrets' }, () =>
          client.core.createNamespacedSecret({ namespace, body: manifests.secret! }),
        ),
    ]);
    const workload = manifests.workload;
    const created =
      workload.kind === 'Job'
        ? await this.#connection.call({ verb: 'create', resource: 'jobs.batch' }, () =>
            client.batch.createNamespacedJob({ namespace, body: workload as V1Job }),
          )
        : await this.#connection.call({ verb: 'create', resource: 'deployments.apps' }, () =>
            client.apps.createNamespacedDeployment({ namespace, body: workload as V1Deployment }),
          );
    // The workload owns the rest, so deleting it (with kubectl too) deletes them.
    const owner: V1OwnerReference = {
      apiVersion: workload.apiVersion!,
      kind: workload.kind!,
      name: created.metadata!.name!,
      uid: created.metadata!.uid!,
    };
    const name = created.metadata!.name!;
    const ownedBy = { metadata: { ownerReferences: [owner] } };
    const patchOptions = client.library.setHeaderOptions(
      'Content-Type',
      client.library.PatchStrategy.MergePatch,
    );
    await Promise.all([
      manifests.configMap &&
        this.#connection.call({ verb: 'patch', resource: 'configmaps' }, () =>
          client.core.patchNamespacedConfigMap({ name, namespace, body: ownedBy }, patchOptions),
        ),
      manifests.secret &&
        this.#connection.call({ verb: 'patch', resource: 'secrets' }, () =>
          client.core.patchNamespacedSecret({ name, namespace, body: ownedBy }, patchOptions),
        ),
      manifests.service &&
        this.#connection.call({ verb: 'create', resource: 'services' }, () =>
          client.core.createNamespacedService({
            namespace,
            body: {
              ...manifests.service!,
              metadata: { ...manifests.service!.metadata, ownerReferences: [owner] },
            },
          }),
        ),
    ]);
  }

  /**
   * Waits until a service's pod is ready (its readiness probe passes), then forwards its ports to this
   * machine and checks them. A service that exits first, or is not ready in time, is stopped and ends
   * `failed` with the reason.
   */
  async #waitUntilReady(
    directory: KubernetesRunDirectory,
    record: KubernetesRunRecord,
    request: RunRequestV1,
    service: ServiceOptions,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const timeout = service.readiness?.timeoutMilliseconds ?? defaultReadinessTimeout;
    const deadline = AbortSignal.timeout(timeout);
    let failure: string | undefined;
    let terminal: Outcome | undefined;
    try {
      await new RunObserver(this.#connection, record).watch(
        async (observed) => {
          const outcome = runOutcome(observed, await this.#outcomeContext(record, directory));
          if (isTerminalRunStatus(outcome.state.status)) {
            terminal = outcome;
            return { done: true };
          }
          const pod = outcome.pod;
          const status = pod?.status?.containerStatuses?.find((entry) => entry.name === programContainerName);
          if (status && (status.restartCount > 0 || status.state?.terminated)) {
            failure = `The service exited before it answered on ${readinessTarget(service)}.`;
            terminal = outcome;
            return { done: true };
          }
          const ready = pod?.status?.conditions?.some(
            (condition) => condition.type === 'Ready' && condition.status === 'True',
          );
          return {
            done: ready === true,
            ...(outcome.reconsiderAt === undefined ? {} : { reconsiderAt: outcome.reconsiderAt }),
          };
        },
        anySignal(signal, deadline, this.#closing.signal),
      );
    } catch (error) {
      if (!deadline.aborted || signal?.aborted) throw error;
      failure = `The service did not answer on ${readinessTarget(service)} within ${timeout} ms, so it was stopped.`;
    }
    if (terminal || failure) {
      if (failure) await directory.requestStop({ status: 'failed', reason: failure });
      const outcome = terminal ?? (await this.#observe(record, directory));
      const stop = await directory.readStopRequest();
      const collected =
        outcome.pod && containerStarted(outcome.pod) && (await this.#hasOutput(outcome.pod))
          ? await this.#collectOutput(record, outcome.pod, false, AbortSignal.timeout(10_000)).catch(
              () => undefined,
            )
          : undefined;
      await this.#persistEnd(directory, record, outcome, stop, collected);
      await this.#deleteObjects(record, 'Foreground');
      return;
    }
    const forwarded = await startPortForward(
      directory,
      {
        settings: {
          ...(this.#settings.kubeconfig ? { kubeconfig: this.#settings.kubeconfig } : {}),
          ...(this.#settings.context ? { context: this.#settings.context } : {}),
        },
        ...(this.#kubeconfigContent ? { kubeconfigContent: this.#kubeconfigContent } : {}),
        namespace: record.namespace,
        name: record.name,
        runId: request.runId,
        ports: service.ports,
        host: service.host ?? '127.0.0.1',
      },
      signal,
    );
    record.portForwardProcess = forwarded.process;
    const host = service.host ?? '127.0.0.1';
    const shownHost = host.includes(':') ? `[${host}]` : host;
    record.endpoints = service.ports.map((port) => ({
      port,
      url: `http://${shownHost}:${forwarded.ports[String(port)]}`,
    }));
    await directory.writeRecord(record);
  }

  /** The run's current outcome, from one read of its objects. */
  async #observe(record: KubernetesRunRecord, directory: KubernetesRunDirectory): Promise<Outcome> {
    const observed = await new RunObserver(this.#connection, record).snapshot();
    return runOutcome(observed, await this.#outcomeContext(record, directory));
  }

  /** Waits until the program's container has started (or the run has ended), for following its output. */
  async #waitForStart(
    record: KubernetesRunRecord,
    directory: KubernetesRunDirectory,
    signal: AbortSignal,
  ): Promise<Outcome> {
    let latest: Outcome | undefined;
    try {
      await new RunObserver(this.#connection, record).watch(async (observed) => {
        latest = runOutcome(observed, await this.#outcomeContext(record, directory));
        const done =
          isTerminalRunStatus(latest.state.status) ||
          (latest.pod !== undefined && containerStarted(latest.pod));
        return { done, ...(latest.reconsiderAt === undefined ? {} : { reconsiderAt: latest.reconsiderAt }) };
      }, signal);
    } catch (error) {
      if (signal.aborted && latest) return latest;
      throw error;
    }
    return latest!;
  }

  async #outcomeContext(record: KubernetesRunRecord, directory: KubernetesRunDirectory) {
    const stopRequest = await directory.readStopRequest();
    return {
      record,
      ...(stopRequest ? { stopRequest } : {}),
      schedulingTimeoutMilliseconds:
        (this.#settings.schedulingTimeoutSeconds ?? defaultSchedulingTimeoutSeconds) * 1000,
      now: Date.now(),
    };
  }

  /** Whether the pod's node runs containers, so its output can be read (not a simulated node). */
  async #hasOutput(pod: V1Pod): Promise<boolean> {
    const node = pod.spec?.nodeName;
    return node !== undefined && !(await this.#simulatedNodes.isSimulated(node));
  }

  /**
   * The GPU part of a pod: limits, placement by model and tolerations. The nodes are listed to map the
   * model to the product label values the nodes carry and to refuse requests no node could satisfy.
   */
  async #placeGpus(request: RunRequestV1): Promise<GpuPlacement | undefined> {
    const gpu = request.resources.gpu;
    if (!gpu) return undefined;
    let nodes: V1Node[] | undefined;
    try {
      nodes = (
        await this.#connection.call({ verb: 'list', resource: 'nodes', clusterWide: true }, (client) =>
          client.core.listNode(),
        )
      ).items;
    } catch (error) {
      // Without the nodes, a model cannot be mapped to label values; a bare count still works.
      if (!KubernetesPermissionError.isInstance(error) || gpu.model || gpu.memory !== undefined) throw error;
    }
    return gpuPlacement(gpu, nodes, this.#gpuSettings());
  }

  #gpuSettings() {
    return {
      resource: this.#settings.gpuResource ?? 'nvidia.com/gpu',
      productLabel: this.#settings.gpuProductLabel ?? 'nvidia.com/gpu.product',
    };
  }

  #graceMilliseconds(): number {
    return (this.#settings.graceSeconds ?? 5) * 1000;
  }

  #directory(handle: RunHandleV1): KubernetesRunDirectory {
    const { directory, name, namespace } = handle.data;
    if (typeof directory !== 'string' || typeof name !== 'string' || typeof namespace !== 'string') {
      throw new InvalidArgumentError({
        argument: 'handle',
        message: `The handle of run ${handle.runId} is not a Kubernetes backend handle.`,
        hint: 'Pass the handle that startRun returned for this run.',
      });
    }
    return new KubernetesRunDirectory(directory);
  }

  async #record(handle: RunHandleV1, directory: KubernetesRunDirectory): Promise<KubernetesRunRecord> {
    return directory.requireRecord(handle.runId, 'Kubernetes');
  }
}

/** A pod's output, taken apart, with a function's result. */
interface CollectedOutput {
  stdout: Buffer;
  stderr: Buffer;
  result?: FunctionResult;
}

/** Whether the program's container has started, so it has output to read. */
function containerStarted(pod: V1Pod): boolean {
  const status = pod.status?.containerStatuses?.find((entry) => entry.name === programContainerName);
  return Boolean(
    status?.state?.running || status?.state?.terminated?.startedAt || status?.lastState?.terminated,
  );
}

function readinessTarget(service: ServiceOptions): string {
  const port = service.readiness?.port ?? service.ports[0];
  return service.readiness?.path ? `GET ${service.readiness.path} on port ${port}` : `port ${port}`;
}
