import type { AllocationSolution, ServerAllocation } from '@icl/core';
import type { InfernoAllocationData, InfernoServerSpec } from '@icl/optimizer';
import { isNotFound } from '@icl/plugin-kubernetes';
import type { V1Node } from '@kubernetes/client-node';
import type { AllocationSolver } from './allocation-solver';
import type { ControllerLogEntry } from './controller-options';
import {
  containerAnnotation,
  deploymentAnnotation,
  scaleDeployment,
  scaleDeploymentAnnotation,
  serverLabel,
} from './deployment-scaling';
import { EventRecorder } from './event-recorder';
import { gpuProductOf } from './gpu-product';
import type { InfernoKind, InfernoResource, InfernoResourceSet } from './inferno-kinds';
import type { KubernetesClients } from './kubernetes-clients';
import { observeDeployment } from './observe-deployment';
import {
  type InfernoSystemReading,
  problemOf,
  readInfernoSystem,
  readOptimizerFlags,
} from './read-inferno-system';
import { applyConditions, type ConditionUpdate, conditionHolds } from './resource-condition';
import { ResourceWriter, sameJson } from './resource-writer';
import { allocatedCondition, leftOutCondition, validCondition } from './server-conditions';

/** Options of {@link InfernoReconciler}. */
export interface InfernoReconcilerOptions {
  clients: KubernetesClients;
  solver: AllocationSolver;
  /** The Inferno resources of a namespace: read from the API server (stateless) or from the caches (stateful). */
  resources: (namespace: string) => Promise<Omit<InfernoResourceSet, 'Optimizer'>>;
  /** Throws when this replica may not write. */
  assertLeader: () => void;
  identity: string;
  fieldManager: string;
  /** Whether Servers' Deployments are scaled unless a Server's annotation says otherwise. */
  scaleDeployments: boolean;
  log: (entry: ControllerLogEntry) => void;
}

/** What one optimization did. */
export interface OptimizationReport {
  namespace: string;
  optimizer: string;
  trigger: 'request' | 'period';
  servers: number;
  placed: number;
  totalCost: number;
  invalidResources: number;
  /** Server specs whose desiredAlloc was written (unchanged ones are not). */
  desiredAllocationsWritten: number;
  deploymentsChanged: number;
}

/**
 * What the controller does to Inferno's resources, one step at a time; the controller decides when
 * (requests, periods, leadership) and this decides what:
 *
 * - {@link optimize}: solve the Optimizer's namespace, write each Server's `desiredAlloc` and conditions,
 *   scale Deployments where asked, and answer the request (`spec.optimize` back to false, `status.done`);
 * - {@link validate}: report every resource's `Valid` condition (stateful mode, as resources change);
 * - {@link recordCurrentAllocation}: write what a scaled Deployment really runs into its Server's `currentAlloc`.
 *
 * Everything is written only when it differs from what the API server holds.
 */
export class InfernoReconciler {
  readonly #options: InfernoReconcilerOptions;
  readonly #writer: ResourceWriter;
  readonly #events: EventRecorder;
  /** Kinds whose CRD drops `status.conditions` (Inferno's own CRDs): their conditions are not compared. */
  readonly #conditionsPruned = new Set<InfernoKind>();
  /** The last verdict evented per resource and condition type, so a CRD that prunes conditions does not repeat events. */
  readonly #evented = new Map<string, string>();
  /** Writes made, by kind and part, for logs and tests. */
  readonly writes: Array<{
    kind: InfernoKind;
    name: string;
    part: 'spec' | 'status';
    resourceVersion: string;
  }> = [];

  constructor(options: InfernoReconcilerOptions) {
    this.#options = options;
    this.#writer = new ResourceWriter({
      customObjects: options.clients.customObjects,
      fieldManager: options.fieldManager,
      assertLeader: options.assertLeader,
      onWrite: (kind, resource, part) => {
        this.writes.push({
          kind,
          name: `${resource.metadata.namespace}/${resource.metadata.name}`,
          part,
          resourceVersion: resource.metadata.resourceVersion ?? '',
        });
      },
    });
    this.#events = new EventRecorder({
      core: options.clients.core,
      identity: options.identity,
      assertLeader: options.assertLeader,
      onError: (message) => options.log({ level: 'warning', message }),
    });
  }

  /**
   * Optimizes the namespace of one Optimizer. For a request (`spec.optimize: true`) nothing happens when
   * the request was already answered; a periodic run goes ahead whatever `spec.optimize` says.
   *
   * @throws when solving fails (the optimizer server does not answer): the caller retries later, and the
   *   request stays pending.
   */
  async optimize(
    namespace: string,
    name: string,
    trigger: 'request' | 'period',
  ): Promise<OptimizationReport | undefined> {
    const optimizer = await this.#writer.read('Optimizer', namespace, name);
    if (!optimizer) return undefined;
    const requested = optimizer.spec?.optimize === true;
    if (trigger === 'request' && !requested) return undefined;
    const done = requested ? true : optimizer.status?.done === true;
    let flags: ReturnType<typeof readOptimizerFlags>;
    try {
      flags = readOptimizerFlags(optimizer);
    } catch (error) {
      await this.#setConditions(
        'Optimizer',
        optimizer,
        [{ type: 'Optimized', status: 'False', reason: 'InvalidSpec', message: problemOf(error) }],
        { done: optimizer.status?.done === true },
      );
      return undefined;
    }
    const reading = readInfernoSystem(await this.#options.resources(namespace), flags);
    const invalid = reading.checked.filter((entry) => entry.problem !== undefined).length;
    await this.#reportValidity(reading, false);
    let solution: AllocationSolution;
    try {
      solution = await this.#options.solver.solve(reading.data);
    } catch (error) {
      await this.#setConditions(
        'Optimizer',
        optimizer,
        [
          {
            type: 'Optimized',
            status: 'False',
            reason: 'OptimizationFailed',
            message: `Solving with the optimizer (${this.#options.solver.description}) failed: ${(error as Error).message} It is tried again.`,
          },
        ],
        { done: optimizer.status?.done === true },
      );
      throw error;
    }
    const report: OptimizationReport = {
      namespace,
      optimizer: name,
      trigger,
      servers: reading.serversByName.size,
      placed: Object.keys(solution.allocations).length,
      totalCost: solution.totalCost,
      invalidResources: invalid,
      desiredAllocationsWritten: 0,
      deploymentsChanged: 0,
    };
    let nodes: Promise<V1Node[]> | undefined;
    const listNodes = () => {
      nodes ??= this.#options.clients.core.listNode().then((list) => list.items);
      return nodes;
    };
    for (const entry of reading.checked) {
      if (entry.kind !== 'Server') continue;
      const resource = entry.resource;
      if (entry.problem !== undefined) {
        await this.#setConditions(
          'Server',
          resource,
          [
            validCondition(entry.problem),
            {
              type: 'Allocated',
              status: 'False',
              reason: 'InvalidSpec',
              message: 'The spec is invalid (see the Valid condition).',
            },
          ],
          { active: false },
        );
        continue;
      }
      const server = [...reading.serversByName.values()].find(
        (candidate) => candidate.resource === resource,
      )!;
      const allocation = solution.allocations[server.spec.name];
      const updates: ConditionUpdate[] = [validCondition(undefined)];
      let current = resource;
      if (allocation) {
        const desired = desiredAllocation(allocation, server.spec);
        // What was read already says it (the usual case on a periodic run): no fresh read, no write.
        if (!sameJson(resource.spec?.desiredAlloc, desired)) {
          const writesBefore = this.writes.length;
          const written = await this.#writer.updateSpec(
            'Server',
            namespace,
            resource.metadata.name!,
            (fresh) =>
              sameJson(fresh.spec?.desiredAlloc, desired)
                ? undefined
                : { ...fresh.spec, desiredAlloc: desired },
          );
          if (this.writes.length > writesBefore) report.desiredAllocationsWritten++;
          current = written ?? resource;
        }
        updates.push(allocatedCondition(allocation));
        if (this.#scales(resource)) {
          const scaled = await this.#scale(reading, server, allocation, listNodes);
          if (scaled.changed) report.deploymentsChanged++;
          updates.push(scaled.condition);
        }
      } else {
        updates.push(
          leftOutCondition(
            solution.unallocated.find((left) => left.server === server.spec.name),
            this.#options.solver.description,
          ),
        );
      }
      await this.#setConditions('Server', current, updates, { active: true });
    }
    const summary =
      `Placed ${report.placed} of ${report.servers} servers at ${solution.totalCost.toFixed(2)} per hour ` +
      `(${solution.solver ?? 'optimizer'} solver, ${this.#options.solver.description}${solution.optimal ? ', proven optimal' : ''})` +
      (invalid > 0 ? `; ${invalid} invalid resource${invalid === 1 ? '' : 's'} left out.` : '.');
    if (requested) {
      const generation = optimizer.metadata.generation;
      await this.#writer.updateSpec('Optimizer', namespace, name, (fresh) =>
        // A request made again while this one was being served is left for the next round.
        fresh.metadata.generation === generation && fresh.spec?.optimize === true
          ? { ...fresh.spec, optimize: false }
          : undefined,
      );
    }
    await this.#setConditions(
      'Optimizer',
      optimizer,
      [{ type: 'Optimized', status: 'True', reason: 'Optimized', message: summary }],
      { done },
    );
    if (requested) await this.#events.record('Optimizer', optimizer, 'Normal', 'Optimized', summary);
    this.#options.log({ level: 'info', message: summary, ...report });
    return report;
  }

  /** Reports the `Valid` condition of every resource of a namespace (Servers included), without solving. */
  async validate(namespace: string): Promise<void> {
    const reading = readInfernoSystem(await this.#options.resources(namespace), {
      unlimited: true,
      heterogeneous: false,
      milpSolver: false,
      useCplex: false,
    });
    await this.#reportValidity(reading, true);
  }

  /**
   * Records in a Server's `currentAlloc` what the Deployment scaled for it runs once its rollout is over:
   * the accelerator of the nodes its ready pods are bound to and how many there are. The load is kept; the
   * latency, wait and batch come from `desiredAlloc` when the Deployment runs exactly that.
   */
  async recordCurrentAllocation(namespace: string, deploymentName: string): Promise<void> {
    const { apps, core } = this.#options.clients;
    let deployment: Awaited<ReturnType<typeof apps.readNamespacedDeployment>>;
    try {
      deployment = await apps.readNamespacedDeployment({ name: deploymentName, namespace });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    const serverName = deployment.metadata?.labels?.[serverLabel];
    if (!serverName) return;
    const nodeList = (await core.listNode()).items;
    const observed = await observeDeployment(core, deployment, async (name) =>
      nodeList.find((node) => node.metadata?.name === name),
    );
    if (!observed) return;
    const reading = readInfernoSystem(await this.#options.resources(namespace), {
      unlimited: true,
      heterogeneous: false,
      milpSolver: false,
      useCplex: false,
    });
    const server = await this.#writer.read('Server', namespace, serverName);
    if (!server) return;
    const desired = server.spec?.desiredAlloc as InfernoAllocationData | undefined;
    const matching = [...reading.acceleratorsByName.values()].filter((accelerator) => {
      const match = gpuProductOf(accelerator, nodeList);
      return 'product' in match && match.product === observed.product;
    });
    const accelerator =
      matching.find((candidate) => candidate.spec.name === desired?.accelerator) ?? matching[0];
    if (!accelerator) {
      this.#options.log({
        level: 'warning',
        message: `Deployment ${namespace}/${deploymentName} runs on ${observed.product}, which no Accelerator of the namespace maps to; currentAlloc of Server ${serverName} is left as it was.`,
      });
      return;
    }
    await this.#writer.updateSpec('Server', namespace, serverName, (fresh) => {
      const spec = fresh.spec ?? {};
      const base = (spec.currentAlloc ?? {}) as Record<string, unknown>;
      const wanted = (spec.desiredAlloc ?? undefined) as InfernoAllocationData | undefined;
      const next: Record<string, unknown> = {
        ...base,
        accelerator: accelerator.spec.name,
        numReplicas: observed.replicas,
      };
      if (
        wanted &&
        wanted.accelerator === accelerator.spec.name &&
        wanted.numReplicas === observed.replicas
      ) {
        Object.assign(next, {
          maxBatch: wanted.maxBatch,
          cost: wanted.cost,
          itlAverage: wanted.itlAverage,
          waitAverage: wanted.waitAverage,
        });
      } else {
        const model = typeof spec.model === 'string' ? spec.model : '';
        const units = reading.performance.get(`${model}\u0000${accelerator.spec.name}`)?.accCount ?? 1;
        next.cost = accelerator.spec.cost * units * observed.replicas;
      }
      return sameJson(next, base) ? undefined : { ...spec, currentAlloc: next };
    });
  }

  #scales(server: InfernoResource): boolean {
    const annotation = server.metadata.annotations?.[scaleDeploymentAnnotation]?.trim().toLowerCase();
    if (annotation === 'true') return true;
    if (annotation === 'false') return false;
    return this.#options.scaleDeployments;
  }

  async #scale(
    reading: InfernoSystemReading,
    server: { resource: InfernoResource; spec: InfernoServerSpec },
    allocation: ServerAllocation,
    listNodes: () => Promise<V1Node[]>,
  ): Promise<{ changed: boolean; condition: ConditionUpdate }> {
    const failed = (reason: string, message: string) => ({
      changed: false,
      condition: { type: 'Scaled', status: 'False' as const, reason, message },
    });
    if (allocation.shares && allocation.shares.length > 1) {
      return failed(
        'HeterogeneousAllocation',
        `The allocation spreads replicas over ${allocation.shares.map((share) => share.accelerator).join(', ')}; one Deployment runs on one GPU model, so it is left as it is.`,
      );
    }
    const accelerator = reading.acceleratorsByName.get(allocation.accelerator);
    if (!accelerator)
      return failed('AcceleratorNotFound', `No Accelerator is named "${allocation.accelerator}".`);
    const match = gpuProductOf(accelerator, await listNodes());
    if ('problem' in match) return failed('NoGpuNodes', match.problem);
    const units =
      reading.performance.get(`${server.spec.model}\u0000${accelerator.spec.name}`)?.accCount ?? 1;
    const gpusPerReplica = units * accelerator.spec.multiplicity;
    const annotations = server.resource.metadata.annotations ?? {};
    const name = annotations[deploymentAnnotation] || server.resource.metadata.name!;
    const outcome = await scaleDeployment(
      this.#options.clients.apps,
      {
        namespace: server.resource.metadata.namespace!,
        name,
        server: server.resource.metadata.name!,
        replicas: allocation.replicas,
        product: match.product,
        gpusPerReplica,
        container: annotations[containerAnnotation],
      },
      { fieldManager: this.#options.fieldManager, assertLeader: this.#options.assertLeader },
    );
    if ('problem' in outcome) return failed(outcome.reason, outcome.problem);
    return {
      changed: outcome.changed,
      condition: {
        type: 'Scaled',
        status: 'True',
        reason: 'DeploymentScaled',
        message: `Deployment ${name} runs ${allocation.replicas} replica${allocation.replicas === 1 ? '' : 's'} on ${match.product} with ${gpusPerReplica} GPU${gpusPerReplica === 1 ? '' : 's'} each.`,
      },
    };
  }

  /** Writes the Valid condition (and `active`) of every resource read; Servers only when asked. */
  async #reportValidity(reading: InfernoSystemReading, includeServers: boolean): Promise<void> {
    for (const entry of reading.checked) {
      if (entry.kind === 'Server' && !includeServers) continue;
      const updates = [validCondition(entry.problem)];
      if (entry.kind === 'Server' && entry.problem !== undefined) {
        updates.push({
          type: 'Allocated',
          status: 'False',
          reason: 'InvalidSpec',
          message: 'The spec is invalid (see the Valid condition).',
        });
      }
      await this.#setConditions(entry.kind, entry.resource, updates, { active: entry.problem === undefined });
    }
  }

  /**
   * Writes conditions (and the status fields Inferno's CRDs require: `active`, `done`) when they differ
   * from the stored status, and records an Event when a condition turns False (a Warning) or back to True.
   */
  async #setConditions(
    kind: InfernoKind,
    resource: InfernoResource,
    updates: ConditionUpdate[],
    fields: Record<string, unknown>,
  ): Promise<void> {
    const { namespace, name, uid } = resource.metadata;
    const wantedFrom = (status: Record<string, unknown>) => ({
      ...status,
      ...fields,
      conditions: applyConditions(status.conditions, updates),
    });
    const equivalent = (wanted: Record<string, unknown>, current: Record<string, unknown>) =>
      this.#conditionsPruned.has(kind)
        ? sameJson({ ...wanted, conditions: undefined }, { ...current, conditions: undefined })
        : sameJson(wanted, current);
    // What was read already says it: no fresh read, no write, no event.
    const known = resource.status ?? {};
    if (equivalent(wantedFrom(known), known)) return;
    let before: unknown;
    const written = await this.#writer.updateStatus(
      kind,
      namespace!,
      name!,
      (fresh) => {
        before = fresh.status?.conditions;
        return wantedFrom(fresh.status ?? {});
      },
      equivalent,
    );
    if (written?.status && written.status.conditions === undefined) this.#conditionsPruned.add(kind);
    for (const update of updates) {
      if (conditionHolds(before, update)) continue;
      const key = `${uid}/${update.type}`;
      const verdict = `${update.status}/${update.reason}/${update.message}`;
      const earlier = this.#evented.get(key);
      if (earlier === verdict) continue;
      this.#evented.set(key, verdict);
      const wasFalse =
        (Array.isArray(before) &&
          (before as Array<{ type: string; status: string }>).some(
            (condition) => condition.type === update.type && condition.status === 'False',
          )) ||
        earlier?.startsWith('False/');
      if (update.status === 'False') {
        await this.#events.record(kind, written ?? resource, 'Warning', update.reason, update.message);
      } else if (wasFalse) {
        await this.#events.record(kind, written ?? resource, 'Normal', update.reason, update.message);
      }
    }
  }
}

/** A Server's `desiredAlloc` in the CRD's shape: the allocation and the load it was sized for. */
export function desiredAllocation(
  allocation: ServerAllocation,
  server: InfernoServerSpec,
): InfernoAllocationData {
  return {
    accelerator: allocation.accelerator,
    numReplicas: allocation.replicas,
    maxBatch: allocation.maxBatch,
    cost: allocation.cost,
    itlAverage: allocation.interTokenLatencyMilliseconds,
    waitAverage: allocation.waitMilliseconds,
    load: server.currentAlloc.load,
  };
}
