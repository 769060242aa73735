import {
  type AcceleratorSpec,
  type AllocationProblem,
  defaultMaximumReplicasPerServer,
  type ModelPerformance,
  type ServerSpec,
  type ServiceTarget,
} from '@icl/core';
import {
  type AllocationCandidate,
  compareCandidates,
  type InfeasibleAccelerator,
  type ServerCandidates,
} from './allocation-candidate';
import { BatchedQueueModel, type BatchedQueueParameters } from './batched-queue-model';
import { findLargestRate, type LargestRate } from './find-largest-rate';
import { getOrCreate } from './get-or-create';
import { transitionPenalty } from './transition-penalty';

/** Every server of a problem with its candidates, and the capacity they compete for. */
export interface CandidateTable {
  problem: AllocationProblem;
  /** One entry per server, in the problem's order. */
  servers: ServerCandidates[];
  /** Free devices per device type; absent when capacity is unlimited. */
  capacity: Map<string, number> | undefined;
  /** Every device type of the accelerators and the capacity; candidates refer to them by position. */
  deviceTypes: string[];
  /** The accelerators each model has performance data on, to explain servers left out. */
  measured: Map<string, Set<string>>;
  /** Distinct sizing searches run (servers that share a model, accelerator, length and targets share one). */
  sizings: number;
}

/** How to size servers. */
export interface CandidateTableOptions {
  /**
   * Find each replica's largest rate to full precision. By default a search stops once the replica count
   * is certain, which is all the single-accelerator solvers use; splitting a server over accelerators
   * (heterogeneous) needs the rates themselves.
   */
  preciseRates?: boolean;
  /** The most replicas any server may have (see `AllocationOptions.maximumReplicasPerServer`). */
  maximumReplicasPerServer?: number;
}

/** A replica's queue and its largest rate within targets, shared by the servers that have the same. */
interface SharedSizing {
  model: BatchedQueueModel;
  sizing: LargestRate;
}

/** Searches by performance entry, targets, and request length × 65,536 + batch limit. */
type SizingCache = Map<ModelPerformance, Map<ServiceTarget, Map<number, SharedSizing>>>;

/** Queue slots per batch slot: a replica holds at most ten times its batch limit (Inferno's MaxQueueToBatchRatio). */
const queueToBatchRatio = 10;
/** Fraction of the full-batch rate kept in reserve for a throughput target (Inferno's StabilitySafetyFraction). */
const stabilitySafetyFraction = 0.1;
/** A target on the 95th percentile of an exponential wait is met when the mean is within target / ln(20). */
const percentileMargin = -Math.log(1 - 0.95);
/** The service class a server without one belongs to (Inferno's default). */
const defaultServiceClass = 'Free';

/**
 * Sizes every server on every accelerator its model runs on, once: the fewest replicas meeting its targets,
 * their cost, latency and wait. Solvers only choose among these candidates, so the queueing model runs
 * here and nowhere else. Servers with the same model, accelerator, request length, batch limit and
 * targets share one search for the largest rate per replica.
 */
export function buildCandidateTable(
  problem: AllocationProblem,
  options: CandidateTableOptions = {},
): CandidateTable {
  const performance = new Map<string, Map<string, ModelPerformance>>();
  for (const entry of problem.models) {
    getOrCreate(performance, entry.model, () => new Map()).set(entry.accelerator, entry);
  }
  const classes = new Map<string, { priority: number; targets: Map<string, ServiceTarget> }>();
  for (const serviceClass of problem.serviceClasses) {
    const known = getOrCreate(classes, serviceClass.name, () => ({
      priority: serviceClass.priority,
      targets: new Map<string, ServiceTarget>(),
    }));
    for (const target of serviceClass.targets) known.targets.set(target.model, target);
  }
  const sizings: SizingCache = new Map();
  const searches = { count: 0 };
  const deviceTypes = [
    ...new Set([
      ...problem.accelerators.map((accelerator) => accelerator.type),
      ...Object.keys(problem.capacity ?? {}),
    ]),
  ];
  const typeIndex = new Map(deviceTypes.map((type, index) => [type, index]));
  const servers = problem.servers.map((server, index) => {
    const className = server.serviceClass || defaultServiceClass;
    const serviceClass = classes.get(className);
    const target = serviceClass?.targets.get(server.model);
    const byAccelerator = performance.get(server.model);
    const entry: ServerCandidates = {
      index,
      server,
      priority: serviceClass?.priority,
      target,
      requiredRate: 0,
      candidates: [],
      infeasible: [],
    };
    const { arrivalRate, averageLength } = server.load;
    if (!serviceClass) {
      entry.problem = {
        cause: 'unknown-service-class',
        reason: `its service class "${className}" is not defined.`,
      };
    } else if (!byAccelerator) {
      // A model no data defines is a mistake in the server (a typo), not a class without targets.
      entry.problem = {
        cause: 'unknown-model',
        reason: `model "${server.model}" is not defined (defined: ${[...performance.keys()].sort().join(', ') || 'none'}).`,
      };
    } else if (!target) {
      entry.problem = {
        cause: 'no-target',
        reason: `service class "${className}" has no targets for model "${server.model}".`,
      };
    } else if (!(arrivalRate >= 0) || !(averageLength >= 0)) {
      entry.problem = {
        cause: 'invalid-load',
        reason: `its load (${arrivalRate} requests/min, ${averageLength} tokens) is not a rate and a length.`,
      };
    } else {
      for (const accelerator of problem.accelerators) {
        const measured = byAccelerator.get(accelerator.name);
        if (!measured || !mayUse(server, accelerator)) continue;
        sizeCandidate(
          entry,
          accelerator,
          typeIndex.get(accelerator.type)!,
          measured,
          target,
          sizings,
          searches,
          options,
        );
      }
      entry.candidates.sort(compareCandidates);
    }
    return entry;
  });
  return {
    problem,
    servers,
    capacity: problem.capacity ? new Map(Object.entries(problem.capacity)) : undefined,
    deviceTypes,
    measured: new Map(
      [...performance].map(([model, byAccelerator]) => [model, new Set(byAccelerator.keys())]),
    ),
    sizings: searches.count,
  };
}

/** Whether a server may run on an accelerator: a server that keeps its accelerator has only its current one. */
export function mayUse(server: ServerSpec, accelerator: AcceleratorSpec): boolean {
  const current = server.currentAllocation?.accelerator;
  return !server.keepAccelerator || !current || current === accelerator.name;
}

function sizeCandidate(
  entry: ServerCandidates,
  accelerator: AcceleratorSpec,
  deviceType: number,
  measured: ModelPerformance,
  target: ServiceTarget,
  sizings: SizingCache,
  searches: { count: number },
  options: CandidateTableOptions,
): void {
  const server = entry.server;
  const { arrivalRate, averageLength } = server.load;
  const minimumReplicas = server.minimumReplicas ?? 0;
  const batchOverride =
    server.maxBatchSize !== undefined && server.maxBatchSize > 0 ? server.maxBatchSize : 0;

  if (arrivalRate === 0 || averageLength === 0) {
    // No load: the minimum replicas at full batch, as Inferno sizes an idle server.
    const maxBatch = batchOverride || measured.maxBatchSize;
    const rate = (maxBatch / (measured.alpha + measured.beta * maxBatch)) * 60_000;
    addCandidate(
      entry,
      accelerator,
      deviceType,
      measured,
      minimumReplicas,
      maxBatch,
      measured.alpha + measured.beta,
      0,
      rate,
      undefined,
    );
    return;
  }

  const tokensPerRequest = averageLength;
  const maxBatch =
    batchOverride || Math.max(Math.floor((measured.maxBatchSize * measured.atTokens) / tokensPerRequest), 1);
  const latencyTarget = positive(target.interTokenLatencyMilliseconds);
  const waitTarget = positive(target.timeToWaitMilliseconds);
  const throughputTarget = positive(target.tokensPerSecond);
  // A throughput target sets the rate to carry; otherwise the arrivals do. Requests per millisecond.
  const totalRate =
    throughputTarget === undefined ? arrivalRate / 60_000 : throughputTarget / (1000 * tokensPerRequest);

  // Shared by servers with the same performance entry, targets, request length and batch limit.
  const byLengthAndBatch = getOrCreate(
    getOrCreate(sizings, measured, () => new Map()),
    target,
    () => new Map(),
  );
  const key =
    Number.isInteger(tokensPerRequest) && maxBatch < 65_536
      ? tokensPerRequest * 65_536 + maxBatch
      : undefined;
  let shared = key === undefined ? undefined : byLengthAndBatch.get(key);
  const model =
    shared?.model ??
    new BatchedQueueModel({
      alpha: measured.alpha,
      beta: measured.beta,
      tokensPerRequest,
      maxBatchSize: maxBatch,
      capacity: maxBatch * queueToBatchRatio,
    });
  const ceiling =
    throughputTarget === undefined
      ? Number.POSITIVE_INFINITY
      : model.rateRange().maximum * (1 - stabilitySafetyFraction);
  // The search may stop once the replica count is certain; a server sharing the search refines it if needed.
  const decided = options.preciseRates
    ? undefined
    : (low: number, high: number) =>
        replicasFor(totalRate, low, ceiling, minimumReplicas) ===
        replicasFor(totalRate, high, ceiling, minimumReplicas);
  const limits = () => ({
    maximumServiceTime: latencyTarget === undefined ? undefined : tokensPerRequest * latencyTarget,
    maximumWaitTime: waitTarget === undefined ? undefined : waitTarget / percentileMargin,
  });
  if (!shared) {
    shared = { model, sizing: findLargestRate(model, limits(), { decided }) };
    if (key !== undefined) byLengthAndBatch.set(key, shared);
    searches.count++;
  } else if (shared.sizing.feasible && !decided?.(shared.sizing.rate, shared.sizing.upper)) {
    shared.sizing = findLargestRate(model, limits(), { decided, resume: shared.sizing });
  }
  const sizing = shared.sizing;
  if (!sizing.feasible) {
    const infeasible: InfeasibleAccelerator = { accelerator, result: sizing, tokensPerRequest };
    if (latencyTarget !== undefined) infeasible.interTokenLatencyMilliseconds = latencyTarget;
    if (waitTarget !== undefined) infeasible.timeToWaitMilliseconds = waitTarget;
    entry.infeasible.push(infeasible);
    return;
  }
  // One request at a time: the service time is the same at any load, so Inferno's search for the rate
  // meeting a latency target has no slope to follow and sizes nothing. Neither do we: the replicas it
  // would take (one per concurrent request) are not an allocation anyone deploys.
  if (maxBatch === 1 && latencyTarget !== undefined) {
    entry.infeasible.push({
      accelerator,
      result: sizing,
      tokensPerRequest,
      rule: {
        cause: 'batch-of-one',
        detail: `requests of ${tokensPerRequest} tokens are served one at a time (batch size 1, ${batchOverride ? "the server's maxBatchSize" : `from ${measured.maxBatchSize} × ${measured.atTokens} tokens`}), so it is not sized, as Inferno does not.`,
      },
    });
    return;
  }
  entry.requiredRate = totalRate * 60_000;
  const replicas = replicasFor(totalRate, sizing.rate, ceiling, minimumReplicas);
  const cap = Math.min(
    server.maximumReplicas ?? Number.POSITIVE_INFINITY,
    options.maximumReplicasPerServer ?? defaultMaximumReplicasPerServer,
  );
  if (replicas > cap) {
    entry.infeasible.push({
      accelerator,
      result: sizing,
      tokensPerRequest,
      rule: {
        cause: 'replica-cap',
        detail: `it would need ${replicas} replicas, more than the ${cap} ${server.maximumReplicas !== undefined && server.maximumReplicas <= cap ? 'the server may have (maxNumReplicas)' : 'a server may have (maximumReplicasPerServer)'}.`,
      },
    });
    return;
  }
  const metrics = model.evaluate(totalRate / replicas);
  const rate = Math.min(sizing.rate, ceiling) * 60_000;
  addCandidate(
    entry,
    accelerator,
    deviceType,
    measured,
    replicas,
    maxBatch,
    metrics.tokenTime,
    metrics.waitTime,
    rate,
    model.parameters,
  );
}

/** Replicas needed to carry `totalRate` at `rate` each (capped at `ceiling`), at least `minimum`. */
function replicasFor(totalRate: number, rate: number, ceiling: number, minimum: number): number {
  return Math.max(Math.ceil(totalRate / Math.min(rate, ceiling)), minimum);
}

/** Adds a candidate; one object literal for all, so they share one shape and solvers read them fast. */
function addCandidate(
  entry: ServerCandidates,
  accelerator: AcceleratorSpec,
  deviceType: number,
  measured: ModelPerformance,
  replicas: number,
  maxBatch: number,
  latency: number,
  wait: number,
  maximumRatePerReplica: number,
  queue: Readonly<BatchedQueueParameters> | undefined,
): void {
  const acceleratorCount = measured.acceleratorCount > 0 ? measured.acceleratorCount : 1;
  const costPerReplica = accelerator.cost * acceleratorCount;
  const devicesPerReplica = acceleratorCount * accelerator.multiplicity;
  const cost = costPerReplica * replicas;
  const candidate: AllocationCandidate = {
    server: entry.index,
    accelerator,
    devicesPerReplica,
    deviceType,
    replicas,
    devices: replicas * devicesPerReplica,
    maxBatch,
    costPerReplica,
    cost,
    value: transitionPenalty(entry.server.currentAllocation, {
      accelerator: accelerator.name,
      replicas,
      cost,
    }),
    interTokenLatencyMilliseconds: latency,
    waitMilliseconds: wait,
    maximumRatePerReplica,
    queue,
  };
  entry.candidates.push(candidate);
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}
