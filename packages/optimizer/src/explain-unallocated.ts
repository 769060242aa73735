import type { AcceleratorRejection, UnallocatedServer } from '@icl/core';
import type { AllocationCandidate, ServerCandidates } from './allocation-candidate';
import { type CandidateTable, mayUse } from './build-candidate-table';

/**
 * Says why a server was left out: what its problem definition lacks, which target each accelerator misses,
 * or, when it could run, how many devices its candidates need against those the allocation left free.
 */
export function explainUnallocated(
  table: CandidateTable,
  entry: ServerCandidates,
  freeDevices: ReadonlyMap<string, number> | undefined,
): UnallocatedServer {
  const name = entry.server.name;
  const withPriority = (explanation: UnallocatedServer): UnallocatedServer =>
    entry.priority === undefined ? explanation : { ...explanation, priority: entry.priority };
  if (entry.problem) {
    return withPriority({
      server: name,
      cause: entry.problem.cause,
      reason: `Server "${name}" was not allocated: ${entry.problem.reason}`,
    });
  }
  const rejections: AcceleratorRejection[] = [];
  for (const candidate of entry.candidates) rejections.push(capacityRejection(candidate, freeDevices));
  for (const infeasible of entry.infeasible) {
    const { result, accelerator } = infeasible;
    if (infeasible.rule) {
      rejections.push({ accelerator: accelerator.name, ...infeasible.rule });
    } else if (result.feasible) {
      // Only a rule leaves out an accelerator whose search succeeded.
    } else if (result.violated === 'service-time') {
      const reached = result.atMinimum.tokenTime;
      rejections.push({
        accelerator: accelerator.name,
        cause: 'inter-token-latency',
        detail: `even at the lowest load the inter-token latency is ${round(reached)} ms, above the ${infeasible.interTokenLatencyMilliseconds} ms target.`,
      });
    } else {
      const reached = result.atMinimum.waitTime;
      const target = infeasible.timeToWaitMilliseconds ?? 0;
      rejections.push({
        accelerator: accelerator.name,
        cause: 'time-to-wait',
        detail: `even at the lowest load the average wait is ${round(reached)} ms, above the ${round(target / Math.log(20))} ms a ${target} ms 95th-percentile target allows.`,
      });
    }
  }
  const listed = new Set(rejections.map((rejection) => rejection.accelerator));
  const measured = table.measured.get(entry.server.model);
  for (const accelerator of table.problem.accelerators) {
    if (listed.has(accelerator.name)) continue;
    if (!measured?.has(accelerator.name)) {
      rejections.push({
        accelerator: accelerator.name,
        cause: 'no-performance-data',
        detail: `model "${entry.server.model}" has no performance data on it.`,
      });
    } else if (!mayUse(entry.server, accelerator)) {
      rejections.push({
        accelerator: accelerator.name,
        cause: 'kept-accelerator',
        detail: `the server keeps its current accelerator, ${entry.server.currentAllocation?.accelerator}.`,
      });
    }
  }
  if (entry.candidates.length === 0) {
    const misses = rejections.filter((rejection) => rejection.cause !== 'no-performance-data');
    const summary = misses.length
      ? misses.map((rejection) => `${rejection.accelerator}: ${rejection.detail}`).join(' ')
      : 'its model runs on none of the accelerators it may use.';
    return withPriority({
      server: name,
      cause: 'no-feasible-accelerator',
      reason: `Server "${name}" was not allocated: no accelerator meets its targets. ${summary}`,
      accelerators: rejections,
    });
  }
  const shown = entry.candidates.slice(0, 3).map((candidate) => {
    const type = candidate.accelerator.type;
    return `${candidate.replicas} × ${candidate.accelerator.name} needs ${candidate.devices} ${type} (${freeDevices?.get(type) ?? 0} free)`;
  });
  const more = entry.candidates.length - shown.length;
  return withPriority({
    server: name,
    cause: 'capacity',
    reason:
      `Server "${name}" was not allocated: not enough free devices for any accelerator meeting its targets: ` +
      `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`,
    accelerators: rejections,
  });
}

function capacityRejection(
  candidate: AllocationCandidate,
  freeDevices: ReadonlyMap<string, number> | undefined,
): AcceleratorRejection {
  const type = candidate.accelerator.type;
  const needed = candidate.devices;
  const available = freeDevices?.get(type) ?? 0;
  return {
    accelerator: candidate.accelerator.name,
    cause: 'capacity',
    detail: `${candidate.replicas} replica(s) need ${needed} ${type} device(s); ${available} are free.`,
    deviceType: type,
    devicesNeeded: needed,
    devicesAvailable: available,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
