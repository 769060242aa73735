import { readFileSync } from 'node:fs';
import {
  type InfernoAllocationSolution,
  infernoSystemToProblem,
  readInfernoDirectory,
  solutionToInferno,
  solveAllocation,
} from '@icl/optimizer';
import { describe, expect, test } from 'vitest';
import {
  expectedTotalCost,
  infernoFixtures,
  readFixture,
  sampleSetBody,
  useOptimizerServer,
} from './helpers';
import { schemaErrors } from './openapi-schemas';

const server = useOptimizerServer();

/** Devices of each type an answer uses: replicas × accelerator units per replica × devices per unit. */
function devicesUsed(
  body: ReturnType<typeof sampleSetBody>,
  solution: InfernoAllocationSolution,
): Record<string, number> {
  const system = body.system as {
    acceleratorData: { accelerators: { name: string; type: string; multiplicity: number }[] };
    modelData: { models: { name: string; acc: string; accCount: number }[] };
    serverData: { servers: { name: string; model: string }[] };
  };
  const used: Record<string, number> = {};
  for (const [name, allocation] of Object.entries(solution.allocations)) {
    const model = system.serverData.servers.find((server) => server.name === name)!.model;
    const accelerator = system.acceleratorData.accelerators.find((a) => a.name === allocation.accelerator)!;
    const units = system.modelData.models.find(
      (m) => m.name === model && m.acc === accelerator.name,
    )!.accCount;
    used[accelerator.type] =
      (used[accelerator.type] ?? 0) + allocation.numReplicas * units * accelerator.multiplicity;
  }
  return used;
}

function capacityOf(body: ReturnType<typeof sampleSetBody>): Record<string, number> {
  const capacity = body.system.capacityData as { count: { type: string; count: number }[] };
  return Object.fromEntries(capacity.count.map((entry) => [entry.type, entry.count]));
}

function withFlags(
  body: ReturnType<typeof sampleSetBody>,
  optimizer: Record<string, boolean>,
): ReturnType<typeof sampleSetBody> {
  return { system: { ...body.system, optimizerData: { optimizer } } };
}

describe('POST /optimizeOne answers Inferno’s sample bodies with Inferno’s unlimited cost', () => {
  test('small/system-data.json, sent as the file is: the expected total, every server placed', async () => {
    const text = readFileSync(`${infernoFixtures}small/system-data.json`, 'utf8');
    const { status, body } = await server.post<InfernoAllocationSolution>('/optimizeOne', text);

    expect(status).toBe(200);
    expect(body.totalCost).toBe(expectedTotalCost('small'));
    expect(body.solver).toBe('unlimited');
    expect(body.optimal).toBe(true);
    expect(body.unallocated).toEqual([]);
    expect(schemaErrors('AllocationSolution', body)).toEqual([]);
  });

  for (const set of ['small', 'large', 'large-light']) {
    test(`${set}: its *-data.json files as one system-data body give Inferno’s cost, server by server`, async () => {
      const expected = readFixture<InfernoAllocationSolution>(`${set}/solution-data.json`);
      const { status, body } = await server.post<InfernoAllocationSolution>(
        '/optimizeOne',
        sampleSetBody(set),
      );

      expect(status).toBe(200);
      expect(body.totalCost).toBe(expectedTotalCost(set));
      expect(Object.keys(body.allocations).sort()).toEqual(Object.keys(expected.allocations).sort());
      for (const [name, allocation] of Object.entries(expected.allocations)) {
        // Per server, only an equal-cost alternative may differ from Inferno's choice.
        expect(body.allocations[name]?.cost, name).toBe(allocation.cost);
        expect(body.allocations[name]?.load, name).toEqual(allocation.load);
      }
      expect(schemaErrors('AllocationSolution', body)).toEqual([]);
    });
  }

  test('tiny (no expected solution shipped): the same answer as the library gives for the directory', async () => {
    const { problem, options } = infernoSystemToProblem(await readInfernoDirectory(`${infernoFixtures}tiny`));
    const library = solutionToInferno(await solveAllocation(problem, options), problem);

    const { status, body } = await server.post('/optimizeOne', sampleSetBody('tiny'));

    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(JSON.stringify(library)));
  });
});

describe('the solver is chosen by the body’s optimizer flags, as Inferno’s are, or by ?mode=', () => {
  const small = sampleSetBody('small');

  test('unlimited false, milpSolver false: the greedy solver, within the capacity', async () => {
    const body = withFlags(small, { unlimited: false, milpSolver: false });
    const { status, body: solution } = await server.post<InfernoAllocationSolution>('/optimizeOne', body);

    expect(status).toBe(200);
    expect(solution.solver).toBe('greedy');
    const used = devicesUsed(body, solution);
    for (const [type, count] of Object.entries(used))
      expect(count, type).toBeLessThanOrEqual(capacityOf(body)[type]!);
    // Capacity is short: every server is either placed or explained.
    const servers = (body.system.serverData as { servers: unknown[] }).servers.length;
    expect(Object.keys(solution.allocations).length + solution.unallocated!.length).toBe(servers);
    for (const left of solution.unallocated!) expect(left.reason.length).toBeGreaterThan(0);
  });

  test('milpsolver true (spelt as Inferno’s samples spell it): the exact solver, proven optimal, within the capacity', async () => {
    const body = withFlags(small, { unlimited: false, milpsolver: true });
    const { status, body: solution } = await server.post<InfernoAllocationSolution>(
      '/optimizeOne?timeLimitMilliseconds=30000',
      body,
    );

    expect(status).toBe(200);
    expect(solution.solver).toBe('exact');
    expect(solution.optimal).toBe(true);
    expect(solution.gap).toBe(0);
    const used = devicesUsed(body, solution);
    for (const [type, count] of Object.entries(used))
      expect(count, type).toBeLessThanOrEqual(capacityOf(body)[type]!);
    expect(schemaErrors('AllocationSolution', solution)).toEqual([]);
  });

  test('?mode=unlimited overrides milpSolver: capacity ignored, Inferno’s unlimited cost', async () => {
    const body = withFlags(small, { unlimited: false, milpSolver: true });
    const { status, body: solution } = await server.post<InfernoAllocationSolution>(
      '/optimizeOne?mode=unlimited',
      body,
    );

    expect(status).toBe(200);
    expect(solution.solver).toBe('unlimited');
    expect(solution.totalCost).toBe(expectedTotalCost('small'));
  });

  test('?mode=greedy overrides unlimited: the capacity counts', async () => {
    const { status, body: solution } = await server.post<InfernoAllocationSolution>(
      '/optimizeOne?mode=greedy',
      small,
    );

    expect(status).toBe(200);
    expect(solution.solver).toBe('greedy');
    const used = devicesUsed(small, solution);
    for (const [type, count] of Object.entries(used))
      expect(count, type).toBeLessThanOrEqual(capacityOf(small)[type]!);
  });

  test('an unknown mode or a wrong time limit is a 400 naming the query parameter', async () => {
    const mode = await server.post('/optimizeOne?mode=fastest', small);
    expect(mode).toMatchObject({ status: 400, body: { code: 'invalid-query-parameter', field: 'mode' } });
    expect(mode.body.message).toContain('fastest');

    for (const limit of ['0', 'soon', '-5', '600001']) {
      const answer = await server.post(`/optimizeOne?timeLimitMilliseconds=${limit}`, small);
      expect(answer, limit).toMatchObject({
        status: 400,
        body: { code: 'invalid-query-parameter', field: 'timeLimitMilliseconds' },
      });
    }
  });
});
