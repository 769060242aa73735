import { setLongInterval } from '@icl/core';
import { kubernetesErrorMessage } from '@icl/plugin-kubernetes';
import type { KubernetesListObject, V1Deployment } from '@kubernetes/client-node';
import type { AllocationSolver } from './allocation-solver';
import {
  type ControllerOptions,
  type ControllerSettings,
  resolveControllerSettings,
} from './controller-options';
import { serverLabel } from './deployment-scaling';
import { createInProcessSolver } from './in-process-solver';
import {
  type InfernoKind,
  type InfernoResource,
  type InfernoResourceSet,
  infernoGroup,
  infernoPlurals,
  infernoVersion,
} from './inferno-kinds';
import { InfernoReconciler, type OptimizationReport } from './inferno-reconciler';
import { createKubernetesClients, type KubernetesClients } from './kubernetes-clients';
import { LeaseLeaderElector } from './lease-leader-election';
import { NotLeaderError } from './not-leader-error';
import { ResourceInformer } from './resource-informer';
import { createRestOptimizerSolver } from './rest-optimizer-solver';
import { WorkQueue } from './work-queue';

/** The kinds besides Optimizer, which a stateful controller also watches. */
const dataKinds = ['Accelerator', 'Capacity', 'Model', 'ServiceClass', 'Server'] as const;

/**
 * The controller: watches Inferno's Optimizers (and, in stateful mode, the other five kinds), queues
 * work when an optimization is requested (`spec.optimize: true`), on its period, and when a scaled
 * Deployment changes, and does that work only while it holds the leader Lease. Start it with
 * {@link startController}.
 */
export class InfernoController {
  readonly settings: ControllerSettings;
  readonly #clients: KubernetesClients;
  readonly #solver: AllocationSolver;
  readonly #queue: WorkQueue;
  readonly #reconciler: InfernoReconciler;
  readonly #elector: LeaseLeaderElector | undefined;
  readonly #optimizers: ResourceInformer<InfernoResource>;
  readonly #deployments: ResourceInformer<V1Deployment>;
  readonly #dataInformers = new Map<InfernoKind, ResourceInformer<InfernoResource>>();
  #stopPeriod: (() => void) | undefined;
  #stopped = false;
  /** Every optimization this replica ran, oldest first. */
  readonly optimizations: OptimizationReport[] = [];

  constructor(settings: ControllerSettings) {
    this.settings = settings;
    this.#clients = createKubernetesClients(settings);
    this.#solver = settings.optimizerUrl
      ? createRestOptimizerSolver(settings.optimizerUrl)
      : createInProcessSolver({ exactTimeLimitMilliseconds: settings.exactTimeLimitMilliseconds });
    const election = settings.leaderElection;
    this.#elector = election.enabled
      ? new LeaseLeaderElector({
          coordination: this.#clients.coordination,
          namespace: election.namespace ?? this.#clients.defaultNamespace,
          name: election.name,
          identity: election.identity,
          leaseDurationMilliseconds: election.leaseDurationMilliseconds,
          renewDeadlineMilliseconds: election.renewDeadlineMilliseconds,
          retryPeriodMilliseconds: election.retryPeriodMilliseconds,
          onStartedLeading: () => this.#startedLeading(),
          onStoppedLeading: () => this.#stoppedLeading(),
          onError: (message) => this.#log('warning', message),
        })
      : undefined;
    this.#queue = new WorkQueue({
      handle: (key) => this.#handle(key),
      onFailure: (key, error, retryIn) =>
        this.#log(
          'error',
          `Handling ${key} failed: ${kubernetesErrorMessage(error)}; trying again in ${retryIn} ms.`,
        ),
    });
    this.#reconciler = new InfernoReconciler({
      clients: this.#clients,
      solver: this.#solver,
      resources: (namespace) =>
        settings.mode === 'stateful' ? this.#cachedResources(namespace) : this.#listResources(namespace),
      assertLeader: () => {
        if (!this.isLeader()) throw new NotLeaderError();
      },
      identity: election.identity,
      fieldManager: settings.fieldManager,
      scaleDeployments: settings.scaleDeployments,
      log: settings.log,
    });
    this.#optimizers = this.#customResourceInformer('Optimizer', (type, optimizer) => {
      if (type !== 'delete' && optimizer.spec?.optimize === true) this.#queue.add(requestKey(optimizer));
    });
    if (settings.mode === 'stateful') {
      for (const kind of dataKinds) {
        this.#dataInformers.set(
          kind,
          this.#customResourceInformer(kind, (_type, resource) =>
            this.#queue.add(`validate/${resource.metadata.namespace}`),
          ),
        );
      }
    }
    const namespace = settings.watchNamespace;
    this.#deployments = new ResourceInformer<V1Deployment>({
      description: 'Deployments scaled for Servers',
      kubeConfig: this.#clients.kubeConfig,
      path: namespace ? `/apis/apps/v1/namespaces/${namespace}/deployments` : '/apis/apps/v1/deployments',
      labelSelector: serverLabel,
      list: () =>
        (namespace
          ? this.#clients.apps.listNamespacedDeployment({ namespace, labelSelector: serverLabel })
          : this.#clients.apps.listDeploymentForAllNamespaces({ labelSelector: serverLabel })) as Promise<
          KubernetesListObject<V1Deployment>
        >,
      resyncMilliseconds: settings.resyncMilliseconds,
      onEvent: (type, deployment) => {
        if (type !== 'delete')
          this.#queue.add(`current/${deployment.metadata?.namespace}/${deployment.metadata?.name}`);
      },
      onError: (message) => this.#log('warning', message),
    });
  }

  /** This replica's name in the leader Lease. */
  get identity(): string {
    return this.settings.leaderElection.identity;
  }

  /** Whether this replica may write now. */
  isLeader(): boolean {
    return this.#elector ? this.#elector.isLeader() : !this.#stopped;
  }

  /** Every write this replica made (kind, namespace/name, spec or status, resulting resourceVersion). */
  get writes(): InfernoReconciler['writes'] {
    return this.#reconciler.writes;
  }

  /** Starts watching and competing for leadership; resolves once the first lists have been read. */
  async start(): Promise<void> {
    const informers = [this.#optimizers, this.#deployments, ...this.#dataInformers.values()];
    await Promise.all(informers.map((informer) => informer.start()));
    this.#log('info', `Started in ${this.settings.mode} mode, solving ${this.#solver.description}.`, {
      identity: this.identity,
      watchNamespace: this.settings.watchNamespace ?? '(all)',
    });
    if (this.#elector) this.#elector.start();
    else this.#startedLeading();
    if (this.settings.periodMilliseconds > 0) {
      // Any period a user may write (`--period 30d`), beyond what one Node.js timer takes.
      this.#stopPeriod = setLongInterval(
        () => {
          if (!this.isLeader()) return;
          for (const optimizer of this.#optimizers.list()) this.#queue.add(periodKey(optimizer));
        },
        this.settings.periodMilliseconds,
        { keepAlive: false },
      );
    }
  }

  /** Stops: finishes the work in hand, releases the Lease, closes the watches. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopPeriod?.();
    await this.#queue.stop();
    await this.#elector?.stop();
    const informers = [this.#optimizers, this.#deployments, ...this.#dataInformers.values()];
    await Promise.all(informers.map((informer) => informer.stop()));
    this.#log('info', 'Stopped.', { identity: this.identity });
  }

  #startedLeading(): void {
    if (this.#stopped) return;
    this.#log('info', 'Became the leader; handling requests.', { identity: this.identity });
    for (const optimizer of this.#optimizers.list()) {
      if (optimizer.spec?.optimize === true) this.#queue.add(requestKey(optimizer));
    }
    for (const informer of this.#dataInformers.values()) {
      for (const resource of informer.list()) this.#queue.add(`validate/${resource.metadata.namespace}`);
    }
    for (const deployment of this.#deployments.list()) {
      this.#queue.add(`current/${deployment.metadata?.namespace}/${deployment.metadata?.name}`);
    }
    this.#queue.resume();
  }

  #stoppedLeading(): void {
    this.#queue.pause();
    if (!this.#stopped)
      this.#log('warning', 'Lost the leadership; writing nothing until it is back.', {
        identity: this.identity,
      });
  }

  async #handle(key: string): Promise<void> {
    const [action, namespace, name] = key.split('/') as [string, string, string | undefined];
    try {
      if (action === 'request' || action === 'period') {
        const report = await this.#reconciler.optimize(namespace, name!, action);
        if (report) this.optimizations.push(report);
      } else if (action === 'validate') {
        await this.#reconciler.validate(namespace);
      } else if (action === 'current') {
        await this.#reconciler.recordCurrentAllocation(namespace, name!);
      }
    } catch (error) {
      if (error instanceof NotLeaderError) return;
      throw error;
    }
  }

  #customResourceInformer(
    kind: InfernoKind,
    onEvent: (type: string, resource: InfernoResource) => void,
  ): ResourceInformer<InfernoResource> {
    const plural = infernoPlurals[kind];
    const namespace = this.settings.watchNamespace;
    const { customObjects } = this.#clients;
    return new ResourceInformer<InfernoResource>({
      description: `${kind}s`,
      kubeConfig: this.#clients.kubeConfig,
      path: namespace
        ? `/apis/${infernoGroup}/${infernoVersion}/namespaces/${namespace}/${plural}`
        : `/apis/${infernoGroup}/${infernoVersion}/${plural}`,
      list: () =>
        (namespace
          ? customObjects.listNamespacedCustomObject({
              group: infernoGroup,
              version: infernoVersion,
              namespace,
              plural,
            })
          : customObjects.listClusterCustomObject({
              group: infernoGroup,
              version: infernoVersion,
              plural,
            })) as Promise<KubernetesListObject<InfernoResource>>,
      resyncMilliseconds: this.settings.resyncMilliseconds,
      onEvent,
      onError: (message) =>
        this.#log(
          'warning',
          message.includes('HTTP 404')
            ? `${message} Are Inferno's CRDs installed? Run \`icl controller install\`.`
            : message,
        ),
    });
  }

  async #listResources(namespace: string): Promise<Omit<InfernoResourceSet, 'Optimizer'>> {
    const { customObjects } = this.#clients;
    const lists = await Promise.all(
      dataKinds.map(async (kind) => {
        const list = (await customObjects.listNamespacedCustomObject({
          group: infernoGroup,
          version: infernoVersion,
          namespace,
          plural: infernoPlurals[kind],
        })) as KubernetesListObject<InfernoResource>;
        return [kind, list.items] as const;
      }),
    );
    return Object.fromEntries(lists) as Omit<InfernoResourceSet, 'Optimizer'>;
  }

  async #cachedResources(namespace: string): Promise<Omit<InfernoResourceSet, 'Optimizer'>> {
    for (const [kind, informer] of this.#dataInformers) {
      if (!informer.hasSynced)
        throw new Error(`The ${kind}s have not been read yet; the watch is being started again.`);
    }
    return Object.fromEntries(
      dataKinds.map((kind) => [kind, [...(this.#dataInformers.get(kind)?.list(namespace) ?? [])]]),
    ) as Omit<InfernoResourceSet, 'Optimizer'>;
  }

  #log(level: 'info' | 'warning' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    this.settings.log({ level, message, ...fields });
  }
}

/**
 * Starts the controller: reads the options (and the environment), connects to the cluster, starts the
 * watches and leader election. Stop it with `stop()`.
 *
 * @throws InvalidArgumentError for malformed options; BackendUnavailableError when no kubeconfig names a cluster.
 */
export async function startController(options: ControllerOptions = {}): Promise<InfernoController> {
  const controller = new InfernoController(resolveControllerSettings(options));
  await controller.start();
  return controller;
}

function requestKey(optimizer: InfernoResource): string {
  return `request/${optimizer.metadata.namespace}/${optimizer.metadata.name}`;
}

function periodKey(optimizer: InfernoResource): string {
  return `period/${optimizer.metadata.namespace}/${optimizer.metadata.name}`;
}
