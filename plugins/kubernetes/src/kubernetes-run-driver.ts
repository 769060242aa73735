import type { OutputBytes, RunDriver, RunObservation, RunSubmitContext } from '@icl/backend-kit';
import type {
  BackendCapabilitiesV1,
  Inventory,
  RunRequestV1,
  ServiceEndpoint,
  ServiceOptions,
} from '@icl/core';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { createRunObjects } from './create-run-objects';
import { deleteRunObjects } from './delete-run-objects';
import { FramedOutputParser } from './framed-output-parser';
import { type GpuPlacement, gpuPlacement } from './gpu-placement';
import { isPodReady } from './is-pod-ready';
import { isNotFound } from './kubernetes-api-error';
import type { KubernetesBackendSettings } from './kubernetes-backend-settings';
import type { KubernetesConnection } from './kubernetes-connection';
import { kubernetesInventory } from './kubernetes-inventory';
import { KubernetesPermissionError } from './kubernetes-permission-error';
import type { KubernetesRunRecord } from './kubernetes-run-record';
import { createOutputMarker } from './output-wrapper';
import { podOutput } from './pod-output';
import { programContainerName } from './pod-template';
import { runFiles } from './run-files';
import { buildRunManifests } from './run-manifests';
import { RunObserver } from './run-observer';
import { type ObservedRun, type Outcome, runOutcome } from './run-outcome';
import type { RuntimeImages } from './runtime-images';
import { startPortForward, stopPortForward } from './service-port-forward';
import { SimulatedNodes } from './simulated-nodes';

const defaultSchedulingTimeoutSeconds = 20;
/** How long removing a stopped run waits for its pods to be gone, beyond the grace period. */
const deletionAllowanceMilliseconds = 30_000;

/** How the driver is put together, from the backend's factory. */
export interface KubernetesRunDriverParts {
  /** The backend's name (`k8s`; `kind` when the kind plugin creates it). */
  name: string;
  settings: KubernetesBackendSettings;
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
 * place fails the run with the scheduler's reason once the scheduling timeout has passed. A stop deletes
 * the workload with its pods (the kit keeps the output it follows meanwhile); a service's ports are
 * forwarded to this machine by a detached process once its pod is ready.
 */
export class KubernetesRunDriver implements RunDriver<KubernetesRunRecord> {
  readonly name: string;
  readonly capabilities: BackendCapabilitiesV1 = {
    services: true,
    gpus: true,
    files: true,
    pythonFunctions: true,
    timeout: true,
  };
  readonly enforcesTimeouts = true;
  readonly servicesNeedPorts = true;

  readonly #settings: KubernetesBackendSettings;
  readonly #connection: KubernetesConnection;
  readonly #images: RuntimeImages;
  readonly #kubeconfigContent: string | undefined;
  readonly #simulatedNodes: SimulatedNodes;

  constructor(parts: KubernetesRunDriverParts) {
    this.name = parts.name;
    this.#settings = parts.settings;
    this.#connection = parts.connection;
    this.#images = parts.images;
    this.#kubeconfigContent = parts.kubeconfigContent;
    this.#simulatedNodes = new SimulatedNodes(parts.connection);
  }

  async inventory(): Promise<Inventory> {
    return kubernetesInventory(await this.#listNodes(), this.#gpuSettings());
  }

  async submit(request: RunRequestV1, context: RunSubmitContext): Promise<KubernetesRunRecord> {
    const client = await this.#connection.client();
    const [gpu, files, image] = await Promise.all([
      this.#placeGpus(request),
      runFiles(request),
      this.#images.prepare(request, {
        ...(context.onProgress ? { onProgress: context.onProgress } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      }),
    ]);
    context.signal?.throwIfAborted();
    const outputMarker = createOutputMarker();
    const manifests = buildRunManifests(request, {
      namespace: client.namespace,
      image,
      outputMarker,
      settings: this.#settings,
      files,
      ...(gpu ? { gpu } : {}),
    });
    const record: KubernetesRunRecord = {
      runId: request.runId,
      namespace: client.namespace,
      name: manifests.workload.metadata!.name!,
      workload: request.program.service ? 'service' : 'job',
      outputMarker,
      image,
      directory: context.directory,
      ...(request.timeoutMilliseconds === undefined
        ? {}
        : { timeoutMilliseconds: request.timeoutMilliseconds }),
    };
    try {
      await createRunObjects(this.#connection, client, manifests);
    } catch (error) {
      // Nothing runs: leave nothing behind.
      await deleteRunObjects(this.#connection, record, { propagationPolicy: 'Background' }).catch(() => {});
      throw error;
    }
    return record;
  }

  async observe(record: KubernetesRunRecord): Promise<RunObservation> {
    return this.#outcome(record, await new RunObserver(this.#connection, record).snapshot()).observation;
  }

  /** Resolves at the next change of the run's Job or pods, or when an unschedulable pod's time is up. */
  async waitForChange(record: KubernetesRunRecord, signal: AbortSignal): Promise<void> {
    let looks = 0;
    await new RunObserver(this.#connection, record).watch((observed) => {
      looks += 1;
      const outcome = this.#outcome(record, observed);
      // The first look is the list the watch starts from: it counts as a change only if the run ended.
      const done = looks > 1 || !['pending', 'running'].includes(outcome.observation.status);
      return { done, ...(outcome.reconsiderAt === undefined ? {} : { reconsiderAt: outcome.reconsiderAt }) };
    }, signal);
  }

  async *readOutput(
    record: KubernetesRunRecord,
    options: { follow: boolean; signal: AbortSignal },
  ): AsyncGenerator<OutputBytes> {
    const pod = await this.#podWithOutput(record, options);
    if (!pod) return;
    const parser = new FramedOutputParser(record.outputMarker);
    try {
      for await (const bytes of podOutput(this.#connection, record.namespace, pod, options))
        for (const piece of parser.push(bytes)) if ('stream' in piece) yield piece;
    } catch (error) {
      // The pod went away while we read: what it wrote up to then is all there is.
      if (!isNotFound(error)) throw error;
    }
    for (const piece of parser.end(true)) if ('stream' in piece) yield piece;
  }

  /** A function's result travels framed in the output, so the output is read again and taken apart. */
  async readResult(record: KubernetesRunRecord): Promise<string | undefined> {
    const signal = AbortSignal.timeout(60_000);
    const pod = await this.#podWithOutput(record, { follow: false, signal });
    if (!pod) return undefined;
    const parser = new FramedOutputParser(record.outputMarker);
    let result: string | undefined;
    const take = (pieces: ReturnType<FramedOutputParser['push']>) => {
      for (const piece of pieces) if ('result' in piece) result = piece.result.toString('utf8');
    };
    for await (const bytes of podOutput(this.#connection, record.namespace, pod, { follow: false, signal }))
      take(parser.push(bytes));
    take(parser.end(true));
    return result;
  }

  /** Deletes the workload with its pods: Kubernetes sends the program SIGTERM, then SIGKILL after the grace period. */
  async stop(record: KubernetesRunRecord): Promise<void> {
    await stopPortForward(record.portForwardProcess);
    await deleteRunObjects(this.#connection, record, { propagationPolicy: 'Foreground', only: 'workload' });
  }

  /**
   * Deletes the run's objects (settings may keep Jobs; a service's objects always go). A run whose pods
   * still stop is waited for, so nothing of it is left once its end is reported; exited pods are
   * collected by the cluster in the background.
   */
  async remove(record: KubernetesRunRecord): Promise<void> {
    await stopPortForward(record.portForwardProcess);
    if (this.#settings.keepJobs && record.workload === 'job') return;
    const observer = new RunObserver(this.#connection, record);
    const { workload, pods } = await observer.snapshot();
    const stopping =
      Boolean(workload?.metadata?.deletionTimestamp) ||
      pods.some(
        (pod) =>
          Boolean(pod.metadata?.deletionTimestamp) ||
          !['Succeeded', 'Failed'].includes(pod.status?.phase ?? ''),
      );
    await deleteRunObjects(this.#connection, record, {
      propagationPolicy: stopping ? 'Foreground' : 'Background',
    });
    if (!stopping) return;
    const bound = AbortSignal.timeout(
      (this.#settings.graceSeconds ?? 5) * 1000 + deletionAllowanceMilliseconds,
    );
    await observer
      .watch((observed) => ({ done: observed.workload === undefined && observed.pods.length === 0 }), bound)
      .catch(() => undefined);
  }

  /**
   * Waits until the service's pod passes its readiness probe, then forwards its ports to this machine
   * from a detached process that outlives this one. Undefined when the service ended or restarted first.
   */
  async endpoints(
    record: KubernetesRunRecord,
    service: ServiceOptions,
    signal: AbortSignal,
  ): Promise<ServiceEndpoint[] | undefined> {
    let ready = false;
    await new RunObserver(this.#connection, record).watch((observed) => {
      const outcome = this.#outcome(record, observed);
      const container = outcome.pod?.status?.containerStatuses?.find(
        (status) => status.name === programContainerName,
      );
      const exited =
        !['pending', 'running'].includes(outcome.observation.status) ||
        (container !== undefined &&
          (container.restartCount > 0 || container.state?.terminated !== undefined));
      ready = !exited && isPodReady(outcome.pod);
      return {
        done: exited || ready,
        ...(outcome.reconsiderAt === undefined ? {} : { reconsiderAt: outcome.reconsiderAt }),
      };
    }, signal);
    if (!ready) return undefined;
    const host = service.host ?? '127.0.0.1';
    const forwarded = await startPortForward(
      record.directory,
      {
        settings: {
          ...(this.#settings.kubeconfig ? { kubeconfig: this.#settings.kubeconfig } : {}),
          ...(this.#settings.context ? { context: this.#settings.context } : {}),
        },
        ...(this.#kubeconfigContent ? { kubeconfigContent: this.#kubeconfigContent } : {}),
        namespace: record.namespace,
        name: record.name,
        runId: record.runId,
        ports: service.ports,
        host,
      },
      signal,
    );
    record.portForwardProcess = forwarded.process;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return service.ports.map((port) => ({
      port,
      url: `http://${shownHost}:${forwarded.ports[String(port)]}`,
    }));
  }

  async close(): Promise<void> {
    this.#connection.close();
  }

  #outcome(record: KubernetesRunRecord, observed: ObservedRun): Outcome {
    return runOutcome(observed, {
      record,
      schedulingTimeoutMilliseconds:
        (this.#settings.schedulingTimeoutSeconds ?? defaultSchedulingTimeoutSeconds) * 1000,
      now: Date.now(),
    });
  }

  /**
   * The name of the pod whose program output can be read: with `follow`, once its container has started
   * (undefined if the run ends first); without, only if it has. A pod on a simulated node has none.
   */
  async #podWithOutput(
    record: KubernetesRunRecord,
    options: { follow: boolean; signal: AbortSignal },
  ): Promise<string | undefined> {
    const observer = new RunObserver(this.#connection, record);
    let outcome = this.#outcome(record, await observer.snapshot());
    if (options.follow && !containerStarted(outcome.pod) && outcome.observation.status === 'pending') {
      try {
        await observer.watch((observed) => {
          outcome = this.#outcome(record, observed);
          const waiting = outcome.observation.status === 'pending' && !containerStarted(outcome.pod);
          return {
            done: !waiting,
            ...(outcome.reconsiderAt === undefined ? {} : { reconsiderAt: outcome.reconsiderAt }),
          };
        }, options.signal);
      } catch (error) {
        if (options.signal.aborted) return undefined;
        throw error;
      }
    }
    const pod = outcome.pod;
    const node = pod?.spec?.nodeName;
    if (!pod || !containerStarted(pod) || !node || (await this.#simulatedNodes.isSimulated(node)))
      return undefined;
    return pod.metadata!.name!;
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
      nodes = await this.#listNodes();
    } catch (error) {
      // Without the nodes, a model cannot be mapped to label values; a bare count still works.
      if (!KubernetesPermissionError.isInstance(error) || gpu.model || gpu.memory !== undefined) throw error;
    }
    return gpuPlacement(gpu, nodes, this.#gpuSettings());
  }

  async #listNodes(): Promise<V1Node[]> {
    const nodes = await this.#connection.call(
      { verb: 'list', resource: 'nodes', clusterWide: true },
      (client) => client.core.listNode(),
    );
    return nodes.items;
  }

  #gpuSettings() {
    return {
      resource: this.#settings.gpuResource ?? 'nvidia.com/gpu',
      productLabel: this.#settings.gpuProductLabel ?? 'nvidia.com/gpu.product',
    };
  }
}

/** Whether the program's container has started, so it has output to read. */
function containerStarted(pod: V1Pod | undefined): boolean {
  const status = pod?.status?.containerStatuses?.find((entry) => entry.name === programContainerName);
  return Boolean(
    status?.state?.running || status?.state?.terminated?.startedAt || status?.lastState?.terminated,
  );
}
