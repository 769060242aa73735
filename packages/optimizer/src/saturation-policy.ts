import type { AllocationSolution, SaturationPolicyV1 } from '@icl/core';
import type { AllocationCandidate, ServerCandidates } from './allocation-candidate';
import { assembleSolution, freeDevicesAfter, type Placement } from './assemble-solution';
import type { CandidateTable } from './build-candidate-table';
import { byPriorityThenName, greedyChoice, solveGreedy } from './solve-greedy';

/** A partial placement: a candidate with the replicas the capacity had left for it. */
type Partial = { candidate: AllocationCandidate; replicas: number };

/**
 * Inferno's greedy solver under a saturation policy: servers that cannot be placed in full get what the
 * capacity still has (see `AllocationOptions.saturationPolicy`). Without `delayedBestEffort`, as Inferno,
 * priority class by class: the class's servers are placed in full as far as they fit, then its servers
 * left out get their partial allocations, then the next class is placed in what remains. With it, every
 * class is placed in full first, then the policy applies to all servers left out.
 *
 * One deliberate difference: a server never gets more replicas than its targets need (Inferno's round
 * robin keeps adding replicas while devices are free), so the cost is never higher than Inferno's.
 */
export function solveGreedySaturated(
  table: CandidateTable,
  policy: SaturationPolicyV1,
  delayedBestEffort: boolean,
): AllocationSolution {
  if (policy === 'None' || !table.capacity) return solveGreedy(table);
  const placements = new Map<number, Placement>();
  const free = new Map(table.capacity);
  const take = (chosen: ReadonlyMap<number, AllocationCandidate>) => {
    for (const [server, candidate] of chosen) {
      placements.set(server, { candidate });
      const type = table.deviceTypes[candidate.deviceType]!;
      free.set(type, (free.get(type) ?? 0) - candidate.devices);
    }
  };
  const withCandidates = table.servers.filter((entry) => entry.candidates.length > 0);
  const groups = delayedBestEffort
    ? [withCandidates]
    : [...new Set(withCandidates.map((entry) => entry.priority ?? 0))]
        .sort((left, right) => left - right)
        .map((priority) => withCandidates.filter((entry) => (entry.priority ?? 0) === priority));
  for (const group of groups) {
    const members = new Set(group.map((entry) => entry.index));
    // The group alone, in what the classes before it left: earlier placements are not moved.
    const chosen = greedyChoice({
      ...table,
      servers: table.servers.map((entry) =>
        members.has(entry.index) ? entry : { ...entry, candidates: [] },
      ),
      capacity: new Map(free),
    });
    take(chosen);
    const leftOut = group.filter((entry) => !chosen.has(entry.index)).sort(byPriorityThenName);
    for (const [server, partial] of bestEffort(table, leftOut, free, policy)) placements.set(server, partial);
  }
  return assembleSolution(table, placements, { solver: 'greedy', optimal: false });
}

/**
 * A solution of the exact solver completed under a saturation policy: the servers it left out get what
 * the capacity it left still has, as `delayedBestEffort` does (the exact solver places every class in
 * full first). Its placements are read back from the candidates they came from.
 */
export function saturateSolution(
  table: CandidateTable,
  placements: ReadonlyMap<number, Placement>,
  policy: SaturationPolicyV1,
  quality: Parameters<typeof assembleSolution>[2],
): AllocationSolution {
  const completed = new Map(placements);
  if (policy !== 'None' && table.capacity) {
    const free = freeDevicesAfter(table, placements)!;
    const leftOut = table.servers
      .filter((entry) => entry.candidates.length > 0 && !placements.has(entry.index))
      .sort(byPriorityThenName);
    for (const [server, partial] of bestEffort(table, leftOut, free, policy)) completed.set(server, partial);
  }
  return assembleSolution(table, completed, quality);
}

/** The partial placements a policy gives the servers left out, taking devices from `free`. */
function bestEffort(
  table: CandidateTable,
  leftOut: readonly ServerCandidates[],
  free: Map<string, number>,
  policy: SaturationPolicyV1,
): Map<number, Partial> {
  const given = new Map<number, Partial>();
  const typeOf = (candidate: AllocationCandidate) => table.deviceTypes[candidate.deviceType]!;
  if (policy === 'PriorityExhaustive') {
    // One server at a time, most important first: its first candidate with any room, as many replicas
    // as fit (up to what it needs).
    for (const entry of leftOut) {
      for (const candidate of entry.candidates) {
        const type = typeOf(candidate);
        const replicas = Math.min(
          Math.floor((free.get(type) ?? 0) / candidate.devicesPerReplica),
          candidate.replicas,
        );
        if (replicas <= 0) continue;
        given.set(entry.index, { candidate, replicas });
        free.set(type, (free.get(type) ?? 0) - replicas * candidate.devicesPerReplica);
        break;
      }
    }
    return given;
  }
  const rounds =
    policy === 'RoundRobin'
      ? [leftOut]
      : [...new Set(leftOut.map((entry) => entry.priority ?? 0))].map((priority) =>
          leftOut.filter((entry) => (entry.priority ?? 0) === priority),
        );
  for (const group of rounds) {
    // One replica at a time to each server in turn, on the first candidate that had room for one.
    const active = new Map<number, Partial>();
    const dropped = new Set<number>();
    for (let progress = true; progress; ) {
      progress = false;
      for (const entry of group) {
        if (dropped.has(entry.index)) continue;
        let ticket = active.get(entry.index);
        if (!ticket) {
          const candidate = entry.candidates.find(
            (option) => (free.get(typeOf(option)) ?? 0) >= option.devicesPerReplica,
          );
          if (!candidate) {
            dropped.add(entry.index);
            continue;
          }
          ticket = { candidate, replicas: 0 };
          active.set(entry.index, ticket);
        }
        const type = typeOf(ticket.candidate);
        if (
          ticket.replicas >= ticket.candidate.replicas ||
          (free.get(type) ?? 0) < ticket.candidate.devicesPerReplica
        ) {
          dropped.add(entry.index);
          continue;
        }
        ticket.replicas += 1;
        free.set(type, (free.get(type) ?? 0) - ticket.candidate.devicesPerReplica);
        progress = true;
      }
    }
    for (const [server, ticket] of active) if (ticket.replicas > 0) given.set(server, ticket);
  }
  return given;
}
