import {
  type AllocationShare,
  type AllocationSolution,
  allocationCost,
  type ServerAllocation,
} from '@icl/core';
import type { AllocationCandidate } from './allocation-candidate';
import { BatchedQueueModel } from './batched-queue-model';
import type { CandidateTable } from './build-candidate-table';
import { explainUnallocated } from './explain-unallocated';

/**
 * What a solver chose for one server: one candidate (with fewer `replicas` than it needs when a saturation
 * policy gave it what capacity was left), or replicas on several accelerators.
 */
export type Placement =
  | { candidate: AllocationCandidate; replicas?: number }
  | { shares: Array<{ candidate: AllocationCandidate; replicas: number }> };

/** Single-candidate placements of a choice of one candidate per server. */
export function placementsOf(choice: ReadonlyMap<number, AllocationCandidate>): Map<number, Placement> {
  return new Map([...choice].map(([server, candidate]) => [server, { candidate }]));
}

/** How a solver vouches for its choice. */
export interface SolutionQuality {
  solver: NonNullable<AllocationSolution['solver']>;
  optimal: boolean;
  gap?: number;
}

/** Devices of each type left free after `placements`; absent when capacity is unlimited. */
export function freeDevicesAfter(
  table: CandidateTable,
  placements: ReadonlyMap<number, Placement>,
): Map<string, number> | undefined {
  if (!table.capacity) return undefined;
  const free = new Map(table.capacity);
  for (const placement of placements.values()) {
    for (const { candidate, replicas } of sharesOf(placement)) {
      const type = candidate.accelerator.type;
      free.set(type, (free.get(type) ?? 0) - replicas * candidate.devicesPerReplica);
    }
  }
  return free;
}

/** Turns a solver's placements into the optimizer's answer, explaining every server left out. */
export function assembleSolution(
  table: CandidateTable,
  placements: ReadonlyMap<number, Placement>,
  quality: SolutionQuality,
): AllocationSolution {
  const allocations: Record<string, ServerAllocation> = {};
  let totalCost = 0;
  const unallocated = [];
  const free = freeDevicesAfter(table, placements);
  for (const entry of table.servers) {
    const placement = placements.get(entry.index);
    if (!placement) {
      unallocated.push(explainUnallocated(table, entry, free));
      continue;
    }
    const allocation = allocationOf(placement, entry.requiredRate);
    allocations[entry.server.name] = allocation;
    totalCost += allocationCost(allocation);
  }
  const solution: AllocationSolution = {
    allocations,
    unallocated,
    totalCost,
    optimal: quality.optimal,
    solver: quality.solver,
  };
  if (quality.gap !== undefined) solution.gap = quality.gap;
  return solution;
}

function sharesOf(placement: Placement): Array<{ candidate: AllocationCandidate; replicas: number }> {
  return 'candidate' in placement
    ? [{ candidate: placement.candidate, replicas: placement.replicas ?? placement.candidate.replicas }]
    : placement.shares;
}

function allocationOf(placement: Placement, requiredRate: number): ServerAllocation {
  if ('candidate' in placement) {
    const candidate = placement.candidate;
    if (placement.replicas !== undefined && placement.replicas < candidate.replicas)
      return {
        accelerator: candidate.accelerator.name,
        replicas: placement.replicas,
        maxBatch: candidate.maxBatch,
        cost: candidate.costPerReplica * placement.replicas,
        interTokenLatencyMilliseconds: candidate.interTokenLatencyMilliseconds,
        waitMilliseconds: candidate.waitMilliseconds,
        requiredReplicas: candidate.replicas,
      };
    return {
      accelerator: candidate.accelerator.name,
      replicas: candidate.replicas,
      maxBatch: candidate.maxBatch,
      cost: candidate.cost,
      interTokenLatencyMilliseconds: candidate.interTokenLatencyMilliseconds,
      waitMilliseconds: candidate.waitMilliseconds,
      transitionPenalty: candidate.value,
    };
  }
  // Load is spread over the replicas in proportion to the rate each sustains within the targets.
  const shares = placement.shares.filter((share) => share.replicas > 0);
  const capacity = shares.reduce(
    (sum, share) => sum + share.replicas * share.candidate.maximumRatePerReplica,
    0,
  );
  const evaluated: AllocationShare[] = shares.map(({ candidate, replicas }) => {
    const perReplica = capacity > 0 ? (requiredRate * candidate.maximumRatePerReplica) / capacity : 0;
    let latency = candidate.interTokenLatencyMilliseconds;
    let wait = candidate.waitMilliseconds;
    if (candidate.queue && perReplica > 0) {
      const metrics = new BatchedQueueModel(candidate.queue).evaluate(perReplica / 60_000);
      latency = metrics.tokenTime;
      wait = metrics.waitTime;
    }
    return {
      accelerator: candidate.accelerator.name,
      replicas,
      maxBatch: candidate.maxBatch,
      cost: candidate.costPerReplica * replicas,
      interTokenLatencyMilliseconds: latency,
      waitMilliseconds: wait,
    };
  });
  if (evaluated.length === 1) {
    const [only] = evaluated;
    return { ...only! };
  }
  // The top-level fields stand on their own for a client that reads only them (Inferno's controller
  // does): the cheapest of the share's accelerators with as many replicas as carry the whole load there.
  const standalone = [...shares]
    .map(({ candidate }) => candidate)
    .sort(
      (left, right) => left.cost - right.cost || (left.accelerator.name < right.accelerator.name ? -1 : 1),
    )[0]!;
  const allocation: ServerAllocation = {
    accelerator: standalone.accelerator.name,
    replicas: standalone.replicas,
    maxBatch: standalone.maxBatch,
    cost: standalone.cost,
    interTokenLatencyMilliseconds: standalone.interTokenLatencyMilliseconds,
    waitMilliseconds: standalone.waitMilliseconds,
  };
  allocation.shares = evaluated;
  return allocation;
}
