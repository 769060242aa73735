import type { AllocationSolution } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { infernoSystemToProblem, parseInfernoSystemData, solveAllocation } from '../src/index';
import { readFixture } from './fixtures';

// What Inferno v0.5.0's greedy answers for the large sample under each saturation policy
// (../shared/fixtures/inferno/saturation-policies/README.md): servers placed per class, and the lowest
// total cost it was seen to reach.
const inferno = {
  None: { placed: { Bronze: 9, Free: 8, Premium: 9 }, lowestCost: 16122 },
  PriorityExhaustive: { placed: { Bronze: 9, Free: 9, Premium: 9 }, lowestCost: 20354 },
  PriorityRoundRobin: { placed: { Bronze: 9, Free: 9, Premium: 9 }, lowestCost: 20354 },
  RoundRobin: { placed: { Bronze: 9, Free: 9, Premium: 9 }, lowestCost: 20354 },
} as const;

/** The large sample as Inferno's system data, with `optimizerData` replaced. */
function largeBody(optimizerData: unknown) {
  const file = (name: string) => readFixture(`large/${name}-data.json`);
  return {
    system: {
      acceleratorData: file('accelerator'),
      modelData: file('model'),
      serviceClassData: file('serviceclass'),
      serverData: file('server'),
      capacityData: file('capacity'),
      optimizerData,
    },
  };
}

async function largeWith(policy: keyof typeof inferno) {
  return infernoSystemToProblem(
    parseInfernoSystemData(largeBody(readFixture(`saturation-policies/optimizer-data-${policy}.json`))),
  );
}

function placedPerClass(
  problem: Awaited<ReturnType<typeof largeWith>>['problem'],
  solution: AllocationSolution,
) {
  const counts: Record<string, number> = {};
  for (const server of problem.servers)
    if (solution.allocations[server.name])
      counts[server.serviceClass] = (counts[server.serviceClass] ?? 0) + 1;
  return counts;
}

describe('saturation policies (greedy, as Inferno)', () => {
  test.each(
    Object.keys(inferno) as Array<keyof typeof inferno>,
  )('%s: as many servers per class as Inferno, at a cost no higher than its lowest', async (policy) => {
    const { problem, options } = await largeWith(policy);
    expect(options.saturationPolicy ?? 'None').toBe(policy);
    const solution = await solveAllocation(problem, options);
    expect(placedPerClass(problem, solution)).toEqual(inferno[policy].placed);
    expect(solution.totalCost).toBeLessThanOrEqual(inferno[policy].lowestCost);
    // Servers given less than their targets need say so; their cost is what they got.
    for (const allocation of Object.values(solution.allocations)) {
      if (allocation.requiredReplicas === undefined) continue;
      expect(policy).not.toBe('None');
      expect(allocation.replicas).toBeLessThan(allocation.requiredReplicas);
      expect(allocation.replicas).toBeGreaterThan(0);
    }
    // Within capacity.
    const used: Record<string, number> = {};
    const types = new Map(problem.accelerators.map((accelerator) => [accelerator.name, accelerator]));
    for (const [name, allocation] of Object.entries(solution.allocations)) {
      const server = problem.servers.find((candidate) => candidate.name === name)!;
      const accelerator = types.get(allocation.accelerator)!;
      const count =
        problem.models.find(
          (entry) => entry.model === server.model && entry.accelerator === allocation.accelerator,
        )?.acceleratorCount || 1;
      used[accelerator.type] =
        (used[accelerator.type] ?? 0) + allocation.replicas * count * accelerator.multiplicity;
    }
    for (const [type, devices] of Object.entries(used))
      expect(devices, type).toBeLessThanOrEqual(problem.capacity![type]!);
  });

  test('exact mode places in full first (all 27 here) and applies the policy only to what it leaves out', async () => {
    const { problem, options } = await largeWith('PriorityExhaustive');
    const solution = await solveAllocation(problem, {
      ...options,
      solver: 'exact',
      timeLimitMilliseconds: 20_000,
    });
    expect(placedPerClass(problem, solution)).toEqual(inferno.PriorityExhaustive.placed);
    // Here the exact solver places all 27 in full, which greedy (26) cannot: the policy has nothing left to do.
    expect(
      Object.values(solution.allocations).every((allocation) => allocation.requiredReplicas === undefined),
    ).toBe(true);
  });

  test('an optimizer setting Inferno does not have is an error naming it, as is an unknown policy', () => {
    expect(() =>
      parseInfernoSystemData(
        largeBody({
          optimizer: { unlimited: false, saturationPolicy: 'PriorityExhaustive', saturationPolicie: 'x' },
        }),
      ),
    ).toThrow(
      /optimizerData\.optimizer\.saturationPolicie is not a setting of Inferno's optimizer \(it has unlimited, heterogeneous, milpSolver, useCplex, delayedBestEffort, saturationPolicy\)/,
    );
    expect(() => parseInfernoSystemData(largeBody({ optimizer: { saturationPolicy: 'Greedy' } }))).toThrow(
      /saturationPolicy is "Greedy", not one of None, PriorityExhaustive, PriorityRoundRobin, RoundRobin/,
    );
  });
});
