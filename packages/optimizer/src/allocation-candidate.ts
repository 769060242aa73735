import type { AcceleratorSpec, ServerSpec, ServiceTarget } from '@icl/core';
import type { BatchedQueueParameters } from './batched-queue-model';
import type { LargestRate } from './find-largest-rate';

/**
 * One way to run one server: an accelerator and the fewest replicas of it that meet the server's targets
 * under its load, with what that costs and uses. Solvers choose among a server's candidates.
 */
export interface AllocationCandidate {
  /** The server's index in the problem. */
  server: number;
  /** The accelerator. */
  accelerator: AcceleratorSpec;
  /** Devices of `accelerator.type` one replica occupies (the model's accelerator count × multiplicity). */
  devicesPerReplica: number;
  /** The position of `accelerator.type` in the table's `deviceTypes`, for solvers that keep arrays by type. */
  deviceType: number;
  /** Replicas needed. */
  replicas: number;
  /** Devices of `accelerator.type` all replicas occupy. */
  devices: number;
  /** Batch size limit per replica. */
  maxBatch: number;
  /** Cost of one replica per hour. */
  costPerReplica: number;
  /** Cost of all replicas per hour. */
  cost: number;
  /** Inferno's value of moving to this candidate from the current allocation; what solvers minimise. */
  value: number;
  /** Expected average inter-token latency at the server's load, milliseconds. */
  interTokenLatencyMilliseconds: number;
  /** Expected average wait at the server's load, milliseconds. */
  waitMilliseconds: number;
  /** The largest request rate one replica sustains within the targets, requests per minute. */
  maximumRatePerReplica: number;
  /** The replica's queue, to evaluate it under another share of the load; absent for a server without load. */
  queue?: Readonly<BatchedQueueParameters>;
}

/** An accelerator the server's model runs on but whose replicas miss a target even at the lowest load. */
export interface InfeasibleAccelerator {
  accelerator: AcceleratorSpec;
  /** The search's outcome, with the averages at the lowest load (infeasible unless `rule` says why). */
  result: LargestRate;
  /** A rule that left it out although the targets could be met: batch size 1, or the replica cap. */
  rule?: { cause: 'batch-of-one' | 'replica-cap'; detail: string };
  /** The target inter-token latency, milliseconds. */
  interTokenLatencyMilliseconds?: number;
  /** The target 95th-percentile wait, milliseconds. */
  timeToWaitMilliseconds?: number;
  /** Tokens per request, to turn service time into inter-token latency. */
  tokensPerRequest: number;
}

/** Why a server could not be sized at all. */
export interface ServerSizingProblem {
  cause: 'unknown-service-class' | 'no-target' | 'unknown-model' | 'invalid-load';
  reason: string;
}

/** A server with every way to run it, best first. */
export interface ServerCandidates {
  /** The server's index in the problem. */
  index: number;
  /** The server. */
  server: ServerSpec;
  /** Its service class priority (lower is more important); absent when the class is unknown. */
  priority: number | undefined;
  /** Its targets; absent when its class has none for its model. */
  target: ServiceTarget | undefined;
  /** The request rate its replicas must carry together, requests per minute. */
  requiredRate: number;
  /**
   * Feasible candidates in order of preference: lowest value, then lowest cost, then fewest devices, then
   * accelerator name in code-point order. The order breaks every tie, so solutions are deterministic.
   */
  candidates: AllocationCandidate[];
  /** Accelerators with performance data whose replicas cannot meet the targets. */
  infeasible: InfeasibleAccelerator[];
  /** Set when the server could not be sized at all. */
  problem?: ServerSizingProblem;
}

/** The preference order of candidates; see {@link ServerCandidates.candidates}. */
export function compareCandidates(left: AllocationCandidate, right: AllocationCandidate): number {
  return (
    left.value - right.value ||
    left.cost - right.cost ||
    left.devices - right.devices ||
    (left.accelerator.name < right.accelerator.name
      ? -1
      : left.accelerator.name > right.accelerator.name
        ? 1
        : 0)
  );
}
