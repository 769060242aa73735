import type { AllocationProblem, ServerSpec } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { BatchedQueueModel, buildCandidateTable, solveAllocation, transitionPenalty } from '../src/index';

/** Two accelerators and one model, in the spirit of Inferno's tiny sample. */
function problemWith(server: Partial<ServerSpec>, targets: Record<string, number> = {}): AllocationProblem {
  return {
    accelerators: [
      { name: 'L4', type: 'L4', multiplicity: 1, cost: 6 },
      { name: 'A100', type: 'A100', multiplicity: 1, cost: 40 },
    ],
    models: [
      {
        model: 'opt',
        accelerator: 'L4',
        acceleratorCount: 1,
        alpha: 20,
        beta: 0.5,
        maxBatchSize: 32,
        atTokens: 512,
      },
      {
        model: 'opt',
        accelerator: 'A100',
        acceleratorCount: 1,
        alpha: 8,
        beta: 0.2,
        maxBatchSize: 64,
        atTokens: 512,
      },
    ],
    serviceClasses: [
      {
        name: 'Premium',
        priority: 1,
        targets: [
          { model: 'opt', interTokenLatencyMilliseconds: 40, timeToWaitMilliseconds: 500, ...targets },
        ],
      },
    ],
    servers: [
      {
        name: 'chat',
        serviceClass: 'Premium',
        model: 'opt',
        load: { arrivalRate: 600, averageLength: 1024 },
        ...server,
      },
    ],
  };
}

const candidatesOf = (problem: AllocationProblem) => buildCandidateTable(problem).servers[0]!;

describe('sizing one server on one accelerator (Inferno’s model)', () => {
  test('batch limit from the model’s measurements scaled to the request length; replicas cover the load', () => {
    const entry = candidatesOf(problemWith({}));
    const onL4 = entry.candidates.find((candidate) => candidate.accelerator.name === 'L4')!;
    expect(onL4.maxBatch).toBe(16); // floor(32 * 512 / 1024)
    expect(onL4.queue).toEqual({
      alpha: 20,
      beta: 0.5,
      tokensPerRequest: 1024,
      maxBatchSize: 16,
      capacity: 160,
    });
    // The replicas carry the load within the targets; one fewer would not.
    expect(onL4.maximumRatePerReplica * onL4.replicas).toBeGreaterThanOrEqual(600);
    expect(onL4.maximumRatePerReplica * (onL4.replicas - 1)).toBeLessThan(600);
    expect(onL4.interTokenLatencyMilliseconds).toBeLessThanOrEqual(40);
    expect(onL4.waitMilliseconds).toBeLessThanOrEqual(500 / Math.log(20));
    expect(onL4.cost).toBe(6 * onL4.replicas);
    // The reported averages are the model's at the load per replica.
    const metrics = new BatchedQueueModel(onL4.queue!).evaluate(600 / 60_000 / onL4.replicas);
    expect(onL4.interTokenLatencyMilliseconds).toBe(metrics.tokenTime);
    expect(onL4.waitMilliseconds).toBe(metrics.waitTime);
  });

  test('a server’s batch limit and minimum replicas override the model’s', () => {
    const entry = candidatesOf(
      problemWith({ maxBatchSize: 4, minimumReplicas: 50, load: { arrivalRate: 60, averageLength: 1024 } }),
    );
    for (const candidate of entry.candidates) {
      expect(candidate.maxBatch).toBe(4);
      expect(candidate.replicas).toBe(50);
    }
  });

  test('a throughput target sizes for the tokens per second, at 90% of the full-batch rate', () => {
    const entry = candidatesOf(problemWith({}, { tokensPerSecond: 20_000 }));
    const onA100 = entry.candidates.find((candidate) => candidate.accelerator.name === 'A100')!;
    const model = new BatchedQueueModel(onA100.queue!);
    expect(onA100.maximumRatePerReplica).toBeLessThanOrEqual(
      model.rateRange().maximum * 0.9 * 60_000 * (1 + 1e-12),
    );
    // 20,000 tokens/s of 1,024-token requests, whatever the arrival rate says.
    expect(entry.requiredRate).toBeCloseTo((20_000 / 1024) * 60, 9);
    expect(onA100.replicas).toBe(Math.ceil(entry.requiredRate / onA100.maximumRatePerReplica));
  });

  test('a server without load gets its minimum replicas at full batch', () => {
    const entry = candidatesOf(
      problemWith({ load: { arrivalRate: 0, averageLength: 1024 }, minimumReplicas: 2 }),
    );
    const onL4 = entry.candidates.find((candidate) => candidate.accelerator.name === 'L4')!;
    expect(onL4).toMatchObject({
      replicas: 2,
      maxBatch: 32,
      cost: 12,
      waitMilliseconds: 0,
      interTokenLatencyMilliseconds: 20.5,
    });
  });

  test('an unattainable latency target rejects the accelerator and says by how much', async () => {
    const solution = await solveAllocation(problemWith({}, { interTokenLatencyMilliseconds: 5 }), {
      solver: 'unlimited',
    });
    expect(solution.allocations.chat).toBeUndefined();
    expect(solution.unallocated[0]).toMatchObject({
      server: 'chat',
      cause: 'no-feasible-accelerator',
      priority: 1,
    });
    const l4 = solution.unallocated[0]!.accelerators!.find((rejection) => rejection.accelerator === 'L4')!;
    expect(l4.cause).toBe('inter-token-latency');
    expect(l4.detail).toMatch(
      /^even at the lowest load the inter-token latency is 20\.5\d* ms, above the 5 ms target\.$/,
    );
  });

  test('servers whose class or model is unknown, or whose load is not one, are left out with the reason', async () => {
    const base = problemWith({});
    const problem: AllocationProblem = {
      ...base,
      servers: [
        { ...base.servers[0]!, name: 'a', serviceClass: 'Gold' },
        { ...base.servers[0]!, name: 'b', model: 'unknown' },
        { ...base.servers[0]!, name: 'c', load: { arrivalRate: -1, averageLength: 10 } },
      ],
    };
    const solution = await solveAllocation(problem, { solver: 'unlimited' });
    expect(solution.unallocated.map((entry) => [entry.server, entry.cause])).toEqual([
      ['a', 'unknown-service-class'],
      ['b', 'unknown-model'],
      ['c', 'invalid-load'],
    ]);
    expect(solution.unallocated[0]!.reason).toBe(
      'Server "a" was not allocated: its service class "Gold" is not defined.',
    );
    // A model no data defines is named as such, with the models that are, not as a class without targets.
    const defined = [...new Set(base.models.map((entry) => entry.model))].sort().join(', ');
    expect(solution.unallocated[1]!.reason).toBe(
      `Server "b" was not allocated: model "unknown" is not defined (defined: ${defined}).`,
    );
  });
});

describe('the current allocation', () => {
  test('Inferno’s transition penalty: nothing to stay, the difference to resize, plus a tenth of both to move', () => {
    const current = { accelerator: 'A100', replicas: 2, cost: 80 };
    expect(transitionPenalty(current, { accelerator: 'A100', replicas: 2, cost: 80 })).toBe(0);
    expect(transitionPenalty(current, { accelerator: 'A100', replicas: 3, cost: 120 })).toBe(40);
    expect(transitionPenalty(current, { accelerator: 'L4', replicas: 10, cost: 60 })).toBeCloseTo(
      0.1 * 140 - 20,
      12,
    );
    expect(transitionPenalty(undefined, { accelerator: 'L4', replicas: 10, cost: 60 })).toBeCloseTo(66, 12);
  });

  test('a server moves only when the saving beats the penalty of moving', async () => {
    // Here one replica set costs 29 × L4 = 174 against 6 × A100 = 240 (at 40 an A100).
    const runningOnA100 = (a100Cost: number) => {
      const problem = problemWith({
        currentAllocation: {
          accelerator: 'A100',
          replicas: 6,
          maxBatch: 32,
          cost: 6 * a100Cost,
          interTokenLatencyMilliseconds: 0,
          waitMilliseconds: 0,
        },
      });
      problem.accelerators[1]!.cost = a100Cost;
      return solveAllocation(problem, { solver: 'unlimited' });
    };
    // Saving 66 against a penalty of 0.1 × (240 + 174) = 41.4: it moves, and the value says so.
    const moves = await runningOnA100(40);
    expect(moves.allocations.chat).toMatchObject({ accelerator: 'L4', replicas: 29, cost: 174 });
    expect(moves.allocations.chat!.transitionPenalty).toBeCloseTo(41.4 - 66, 9);
    // At 30 an A100: saving 6 against a penalty of 35.4: it stays, at no penalty.
    const stays = await runningOnA100(30);
    expect(stays.allocations.chat).toMatchObject({
      accelerator: 'A100',
      replicas: 6,
      cost: 180,
      transitionPenalty: 0,
    });
    // Without a current allocation the cheaper L4 wins either way.
    expect(
      (await solveAllocation(problemWith({}), { solver: 'unlimited' })).allocations.chat!.accelerator,
    ).toBe('L4');
  });

  test('keepAccelerator restricts the server to its current accelerator', async () => {
    const solution = await solveAllocation(
      problemWith({
        keepAccelerator: true,
        currentAllocation: {
          accelerator: 'A100',
          replicas: 1,
          maxBatch: 64,
          cost: 40,
          interTokenLatencyMilliseconds: 0,
          waitMilliseconds: 0,
        },
      }),
      { solver: 'unlimited' },
    );
    expect(solution.allocations.chat!.accelerator).toBe('A100');
  });
});

describe('allocations nobody would deploy', () => {
  test('requests so long a replica serves one at a time (batch size 1) are not sized, as Inferno does not; the server is left out saying so', async () => {
    // L4 measured at batch 32 × 512 tokens: requests of 16,384 tokens leave room for one at a time.
    // No wait target: only the latency target (met at any load, 20.5 ms a token) could size it.
    const problem = problemWith(
      { load: { arrivalRate: 600, averageLength: 16_384 } },
      { timeToWaitMilliseconds: 0 },
    );
    problem.accelerators = problem.accelerators.filter((accelerator) => accelerator.name === 'L4');
    problem.models = problem.models.filter((entry) => entry.accelerator === 'L4');
    const solution = await solveAllocation(problem, { solver: 'greedy' });
    expect(solution.allocations).toEqual({});
    expect(solution.unallocated[0]).toMatchObject({ server: 'chat', cause: 'no-feasible-accelerator' });
    expect(solution.unallocated[0]!.accelerators).toEqual([
      {
        accelerator: 'L4',
        cause: 'batch-of-one',
        detail:
          'requests of 16384 tokens are served one at a time (batch size 1, from 32 × 512 tokens), so it is not sized, as Inferno does not.',
      },
    ]);
  });

  test('no allocation exceeds the replica cap (a solve setting, or the server’s maxNumReplicas); a server needing more is left out with the count', async () => {
    const busy = problemWith({ load: { arrivalRate: 60_000, averageLength: 1024 } });
    const uncapped = await solveAllocation(busy, { solver: 'unlimited' });
    const needed = uncapped.allocations.chat!.replicas;
    expect(needed).toBeGreaterThan(20);
    const capped = await solveAllocation(busy, { solver: 'unlimited', maximumReplicasPerServer: 20 });
    expect(capped.allocations).toEqual({});
    const rejections = capped.unallocated[0]!.accelerators!.filter(
      (rejection) => rejection.cause === 'replica-cap',
    );
    expect(rejections.map((rejection) => rejection.accelerator).sort()).toEqual(['A100', 'L4']);
    expect(
      rejections.find((rejection) => rejection.accelerator === uncapped.allocations.chat!.accelerator)!
        .detail,
    ).toBe(
      `it would need ${needed} replicas, more than the 20 a server may have (maximumReplicasPerServer).`,
    );
    // The server's own limit, as Inferno's maxNumReplicas gives it, applies below the solve's.
    const own = await solveAllocation(
      problemWith({ load: { arrivalRate: 60_000, averageLength: 1024 }, maximumReplicas: needed - 1 }),
      { solver: 'unlimited' },
    );
    const cheapest = own.allocations.chat;
    if (cheapest) expect(cheapest.replicas).toBeLessThanOrEqual(needed - 1);
    expect(
      own.unallocated
        .flatMap((entry) => entry.accelerators ?? [])
        .find(
          (rejection) =>
            rejection.cause === 'replica-cap' &&
            rejection.accelerator === uncapped.allocations.chat!.accelerator,
        )?.detail,
    ).toBe(
      `it would need ${needed} replicas, more than the ${needed - 1} the server may have (maxNumReplicas).`,
    );
    // And by default, a thousand.
    const flood = await solveAllocation(
      problemWith({ load: { arrivalRate: 6_000_000, averageLength: 1024 } }),
      {
        solver: 'unlimited',
      },
    );
    for (const allocation of Object.values(flood.allocations))
      expect(allocation.replicas).toBeLessThanOrEqual(1000);
    expect(flood.unallocated[0]!.accelerators!.every((rejection) => rejection.cause === 'replica-cap')).toBe(
      true,
    );
  });
});
