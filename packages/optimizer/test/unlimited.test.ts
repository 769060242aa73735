import { describe, expect, test } from 'vitest';
import { buildCandidateTable, createOptimizer, infernoToSolution, solveAllocation } from '../src/index';
import { float32Ulp, readFixture, sampleProblem, sampleSets } from './fixtures';

describe('unlimited capacity: each server’s cheapest accelerator, as in Inferno’s expected solutions', () => {
  for (const set of sampleSets) {
    test(`${set}: the same total cost, and per server the same cost`, async () => {
      const problem = await sampleProblem(set);
      const expected = infernoToSolution(
        readFixture(`${set}/solution-data.json`),
        `${set}/solution-data.json`,
      );
      const solution = await createOptimizer().solve(problem, { solver: 'unlimited' });

      expect(solution.totalCost).toBe(expected.totalCost);
      expect(solution.optimal).toBe(true);
      expect(solution.solver).toBe('unlimited');
      expect(solution.unallocated).toEqual([]);
      expect(Object.keys(solution.allocations).sort()).toEqual(Object.keys(expected.allocations).sort());

      const table = buildCandidateTable(problem);
      for (const [name, theirs] of Object.entries(expected.allocations)) {
        const ours = solution.allocations[name]!;
        expect(ours.cost, name).toBe(theirs.cost);
        if (ours.accelerator !== theirs.accelerator) {
          // Only an equal-cost alternative may differ: Inferno's choice must be among our candidates.
          const entry = table.servers.find((server) => server.server.name === name)!;
          const alternative = entry.candidates.find(
            (candidate) => candidate.accelerator.name === theirs.accelerator,
          );
          expect(alternative?.cost, `${name} on ${theirs.accelerator}`).toBe(theirs.cost);
          expect(alternative?.replicas).toBe(theirs.replicas);
          continue;
        }
        expect(ours.replicas, name).toBe(theirs.replicas);
        expect(ours.maxBatch, name).toBe(theirs.maxBatch);
        expect(
          Math.abs(ours.interTokenLatencyMilliseconds / theirs.interTokenLatencyMilliseconds - 1),
        ).toBeLessThan(1e-3);
        // Inferno's wait is the difference of two float32 numbers of the size of the response time.
        const response =
          ours.interTokenLatencyMilliseconds *
          problem.servers.find((s) => s.name === name)!.load.averageLength;
        expect(Math.abs(ours.waitMilliseconds - theirs.waitMilliseconds)).toBeLessThanOrEqual(
          Math.max(1e-3 * theirs.waitMilliseconds, 4 * float32Ulp(response)),
        );
      }
    });
  }

  test('ties between equal-cost accelerators are broken the same way whatever the input order', async () => {
    const problem = await sampleProblem('large-light');
    const forward = await solveAllocation(problem, { solver: 'unlimited' });
    const reversed = await solveAllocation(
      {
        ...problem,
        accelerators: [...problem.accelerators].reverse(),
        models: [...problem.models].reverse(),
        servers: [...problem.servers].reverse(),
      },
      { solver: 'unlimited' },
    );
    expect(reversed.allocations).toEqual(forward.allocations);
    // large-light has such ties: Inferno picked MI300X × 2 for this server, an alternative of equal cost.
    expect(forward.allocations['Premium-mixtral_8_7b']).toMatchObject({
      accelerator: '2xMI300X',
      replicas: 1,
      cost: 130,
    });
  });
});
