import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@icl/core';
import { afterEach, describe, expect, test } from 'vitest';
import {
  infernoSystemToProblem,
  parseInfernoCustomResources,
  parseInfernoSystemData,
  parseInfernoSystemText,
  problemToInfernoSystem,
  readInfernoDirectory,
  solutionToInferno,
  solveAllocation,
} from '../src/index';
import { infernoFixtures, readFixture } from './fixtures';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

/** A copy of a fixture directory to break things in. */
async function copyOf(set: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'icl-optimizer-'));
  directories.push(directory);
  await cp(`${infernoFixtures}${set}`, directory, { recursive: true });
  return directory;
}

/** The error a read raises, asserted to be ICL's invalid-argument error. */
async function failure(work: () => unknown): Promise<InvalidArgumentError> {
  try {
    await work();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected the read to fail');
}

describe('reading Inferno’s data', () => {
  test('a sample set directory: every file, Inferno’s defaults, the lower-case "milpsolver" flag', async () => {
    const { problem, options } = infernoSystemToProblem(
      await readInfernoDirectory(`${infernoFixtures}small`),
    );
    expect(problem.accelerators).toHaveLength(6);
    expect(problem.accelerators.find((accelerator) => accelerator.name === '2xAIU2')).toEqual({
      name: '2xAIU2',
      type: 'AIU2',
      multiplicity: 2,
      memoryGigabytes: 256,
      cost: 7.5,
    });
    expect(problem.capacity).toEqual({ L4: 32, A100: 16, AIU2: 128, G2: 24 });
    expect(problem.servers[0]).toEqual({
      name: 'Premium-llama_13b',
      serviceClass: 'Premium',
      model: 'llama_13b',
      load: {
        arrivalRate: 60,
        averageLength: 1024,
        arrivalCoefficientOfVariation: 1.5,
        serviceCoefficientOfVariation: 1.5,
      },
    });
    expect(problem.serviceClasses[0]!.targets[0]).toEqual({
      model: 'llama_13b',
      interTokenLatencyMilliseconds: 80,
      timeToWaitMilliseconds: 500,
    });
    expect(options).toEqual({ solver: 'unlimited' });
  });

  test('one system-data.json, with the capacity under acceleratorData.count as in Inferno’s small sample', async () => {
    const directory = await copyOf('small');
    for (const name of [
      'accelerator-data.json',
      'model-data.json',
      'serviceclass-data.json',
      'server-data.json',
    ]) {
      await rm(join(directory, name));
    }
    const fromSystem = infernoSystemToProblem(await readInfernoDirectory(directory));
    const fromFiles = infernoSystemToProblem(await readInfernoDirectory(`${infernoFixtures}small`));
    expect(fromSystem.problem.servers).toEqual(fromFiles.problem.servers);
    expect(fromSystem.problem.models).toEqual(fromFiles.problem.models);
    expect(fromSystem.problem.capacity).toEqual({ L4: 512, A100: 2048, AIU2: 2048, G2: 1536 });
    // Solving it gives Inferno's expected unlimited solution for small.
    const solution = await solveAllocation(fromSystem.problem, fromSystem.options);
    expect(solution.totalCost).toBe(35121);
  });

  test('the controller’s custom resources (YAML, one resource a file, a kustomization beside them)', async () => {
    const { problem, options } = infernoSystemToProblem(
      await readInfernoDirectory(`${infernoFixtures}controller-samples`),
    );
    expect(problem.accelerators).toEqual([{ name: 'A100', type: 'A100', multiplicity: 1, cost: 40 }]);
    expect(problem.capacity).toEqual({ A100: 64 });
    expect(problem.models.map((entry) => entry.accelerator)).toEqual(['A100', 'G2']);
    expect(problem.serviceClasses).toEqual([
      {
        name: 'Premium',
        priority: 1,
        targets: [
          { model: 'granite-13b', interTokenLatencyMilliseconds: 40, timeToWaitMilliseconds: 500 },
          { model: 'llama0-70b', interTokenLatencyMilliseconds: 80, timeToWaitMilliseconds: 500 },
        ],
      },
    ]);
    expect(problem.servers[0]).toMatchObject({
      name: 'Premium-granite-13b',
      currentAllocation: { accelerator: 'A100', replicas: 1, maxBatch: 16, cost: 40 },
      load: { arrivalRate: 100, averageLength: 999 },
    });
    expect(options).toEqual({ solver: 'unlimited' });
    const solution = await solveAllocation(problem, options);
    // Only A100 is an accelerator of the cluster (G2 has performance data but no Accelerator resource).
    expect(solution.allocations['Premium-granite-13b']).toMatchObject({ accelerator: 'A100', maxBatch: 16 });
  });

  test('several resources in one YAML file, separated by ---', async () => {
    const files = ['accelerator', 'capacity', 'model', 'serviceclass', 'server', 'optimizer'];
    const text = (
      await Promise.all(
        files.map((name) =>
          readFile(`${infernoFixtures}controller-samples/inferno_v1alpha1_${name}.yaml`, 'utf8'),
        ),
      )
    ).join('\n---\n');
    const data = parseInfernoCustomResources([{ name: 'all.yaml', text }]);
    expect(data.system.serverData.servers.map((server) => server.name)).toEqual(['Premium-granite-13b']);
  });
});

describe('malformed input is rejected with the field’s path (and line and column where the file says)', () => {
  test('a number given as text, in a sample set file', async () => {
    const directory = await copyOf('small');
    const path = join(directory, 'server-data.json');
    await writeFile(
      path,
      (await readFile(path, 'utf8')).replace('"arrivalRate": 120', '"arrivalRate": "fast"'),
    );
    const error = await failure(() => readInfernoDirectory(directory));
    expect(error.argument).toBe('servers[5].currentAlloc.load.arrivalRate');
    expect(error.message).toMatch(
      new RegExp(
        `^Invalid Inferno data in ${path}:\\d+:\\d+: servers\\[5\\]\\.currentAlloc\\.load\\.arrivalRate must be a number, not "fast"\\.$`,
      ),
    );
    expect(error.location).toMatch(/server-data\.json:\d+:\d+$/);
    expect(error.hint).toBeTruthy();
  });

  test('a missing required field of a system-data.json body', () => {
    const body = readFixture<{ system: { modelData: { models: Array<Record<string, unknown>> } } }>(
      'small/system-data.json',
    );
    delete body.system.modelData.models[3]!.alpha;
    const text = JSON.stringify(body, null, 2);
    const error = (() => {
      try {
        parseInfernoSystemText(text, 'request body');
      } catch (caught) {
        return caught as InvalidArgumentError;
      }
      throw new Error('expected a failure');
    })();
    expect(error.code).toBe('invalid-argument');
    expect(error.argument).toBe('system.modelData.models[3].alpha');
    expect(error.message).toMatch(
      /^Invalid Inferno data in request body:\d+:\d+: system\.modelData\.models\[3\]\.alpha is missing\.$/,
    );
  });

  test('malformed JSON names the line and column', async () => {
    const directory = await copyOf('tiny');
    await writeFile(join(directory, 'model-data.json'), '{\n  "models": [\n    { "name": "x", }\n  ]\n}\n');
    const error = await failure(() => readInfernoDirectory(directory));
    expect(error.message).toMatch(/^Invalid JSON in .*model-data\.json:3:\d+: /);
  });

  test('wrong shapes, ranges and duplicates', () => {
    const system = (patch: (body: Record<string, unknown>) => void) => {
      const body = readFixture<Record<string, unknown>>('small/system-data.json');
      patch(body);
      return () => parseInfernoSystemData(body, 'body.json');
    };
    type Body = { system: Record<string, Record<string, Array<Record<string, unknown>>>> };
    const cases: Array<[(body: Body) => void, string, RegExp]> = [
      [
        (body) => {
          body.system.serverData!.servers = 'none' as never;
        },
        'system.serverData.servers',
        /must be a list/,
      ],
      [
        (body) => {
          body.system.acceleratorData!.accelerators![1]!.multiplicity = 0;
        },
        'system.acceleratorData.accelerators[1].multiplicity',
        /must be at least 1, not 0/,
      ],
      [
        (body) => {
          body.system.modelData!.models![0]!.maxBatchSize = 2.5;
        },
        'system.modelData.models[0].maxBatchSize',
        /must be a whole number, not 2\.5/,
      ],
      [
        (body) => {
          body.system.serverData!.servers![2]!.name = 'Premium-llama_13b';
        },
        'system.serverData.servers[2].name',
        /repeats server "Premium-llama_13b" \(entry 0\)/,
      ],
      [
        (body) => delete body.system.serverData!.servers![1]!.currentAlloc,
        'system.serverData.servers[1].currentAlloc',
        /is missing; it must give the server’s load/,
      ],
      [
        (body) => {
          body.system.serviceClassData!.serviceClasses![0]!.priority = -1;
        },
        'system.serviceClassData.serviceClasses[0].priority',
        /must be at least 0/,
      ],
    ];
    for (const [patch, path, message] of cases) {
      let caught: InvalidArgumentError | undefined;
      try {
        system(patch as (body: Record<string, unknown>) => void)();
      } catch (error) {
        caught = error as InvalidArgumentError;
      }
      expect(caught?.argument, path).toBe(path);
      expect(caught?.message, path).toMatch(message);
    }
  });

  test('a custom resource with a wrong field names the file, line and column', () => {
    const text = [
      'apiVersion: inferno.platform.ai/v1alpha1',
      'kind: Model',
      'metadata:',
      '  name: model-sample',
      'spec:',
      '  name: granite-13b',
      '  data:',
      '    - acc: A100',
      '      accCount: 1',
      '      alpha: fast',
      '      beta: 0.41',
      '      maxBatchSize: 32',
      '      atTokens: 512',
    ].join('\n');
    expect(() => parseInfernoCustomResources([{ name: 'model.yaml', text }])).toThrow(
      /^Invalid Inferno data in model\.yaml:10:14: spec\.data\[0\]\.alpha must be a number, not "fast"\.$/,
    );
  });

  test('a directory without Inferno data says what it expects', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'icl-optimizer-'));
    directories.push(directory);
    const error = await failure(() => readInfernoDirectory(directory));
    expect(error.message).toBe(`No Inferno data in ${directory}.`);
    expect(error.hint).toMatch(/accelerator-data\.json/);
    const missing = await failure(() => readInfernoDirectory(join(directory, 'nowhere')));
    expect(missing.message).toMatch(/no such directory/);
  });
});

describe('writing Inferno’s data', () => {
  test('the solution in solution-data.json’s shape, with ICL’s explanation fields', async () => {
    const { problem } = infernoSystemToProblem(await readInfernoDirectory(`${infernoFixtures}small`));
    const solution = await solveAllocation(problem, { solver: 'exact' });
    const written = solutionToInferno(solution, problem);
    const expectedShape = readFixture<{ allocations: Record<string, Record<string, unknown>> }>(
      'small/solution-data.json',
    );
    const some = Object.values(expectedShape.allocations)[0]!;
    for (const allocation of Object.values(written.allocations)) {
      for (const field of Object.keys(some)) expect(allocation).toHaveProperty(field);
      expect(allocation.load).toEqual({
        arrivalRate: expect.any(Number),
        avgLength: 1024,
        arrivalCOV: 1.5,
        serviceCOV: 1.5,
      });
    }
    expect(written).toMatchObject({ optimal: true, gap: 0, solver: 'exact', totalCost: solution.totalCost });
    expect(written.unallocated).toHaveLength(9);
    expect(written.unallocated![0]).toMatchObject({
      server: expect.any(String),
      cause: 'capacity',
      reason: expect.any(String),
    });
  });

  test('a problem written back as system data reads as the same problem', async () => {
    const { problem, options } = infernoSystemToProblem(
      await readInfernoDirectory(`${infernoFixtures}large`),
    );
    const again = infernoSystemToProblem(
      parseInfernoSystemData(JSON.parse(JSON.stringify(problemToInfernoSystem(problem, options)))),
    );
    expect(again.problem).toEqual(problem);
    expect(again.options).toEqual(options);
  });
});
