import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sharedFixturesDirectory } from '../../../tooling/testbed/shared-fixtures.mjs';
import { createSandbox } from './icl-process';

/** Inferno's fixtures, shared beside the repository. */
const inferno = `${sharedFixturesDirectory('inferno')}/`;

describe('icl optimize', () => {
  test('prints a row per server and the totals, solving as optimizer-data.json says (unlimited here)', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl(['optimize', '--dir', join(inferno, 'large')]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SERVER\s+ACCELERATOR\s+REPLICAS\s+BATCH\s+ITL\s+WAIT\s+COST$/);
    expect(lines.filter((line) => /^(Premium|Bronze|Free)-/.test(line))).toHaveLength(27);
    // Inferno's expected solution for large places Premium-llama_13b on G2: 5 replicas, batch 19, cost 115.
    expect(result.stdout).toMatch(/^Premium-llama_13b\s+G2\s+5\s+19\s+24\.95 ms\s+137\.85 ms\s+115\.00$/m);
    expect(lines.at(-1)).toBe(
      'Total cost 21133.00 per hour; 27 of 27 servers placed (unlimited, proven optimal).',
    );
  });

  test('--max-replicas leaves out what needs more, naming the count; when nothing can be placed, it says so', async () => {
    const sandbox = await createSandbox();
    const capped = await sandbox.icl(['optimize', '--dir', join(inferno, 'tiny'), '--max-replicas', '1']);
    expect(capped.exitCode).toBe(0);
    expect(capped.stdout).toContain(
      'L4: it would need 4 replicas, more than the 1 a server may have (maximumReplicasPerServer).',
    );
    // Every server of tiny at a hundred times its load: none fits in one replica.
    const heavy = join(sandbox.work, 'heavy');
    await cp(join(inferno, 'tiny'), heavy, { recursive: true });
    const servers = JSON.parse(await readFile(join(heavy, 'server-data.json'), 'utf8')) as {
      servers: Array<{ currentAlloc: { load: { arrivalRate: number } } }>;
    };
    for (const server of servers.servers) server.currentAlloc.load.arrivalRate *= 100;
    await writeFile(join(heavy, 'server-data.json'), JSON.stringify(servers));
    const none = await sandbox.icl(['optimize', '--dir', heavy, '--max-replicas', '1']);
    expect(none.exitCode).toBe(0);
    expect(none.stdout.trimEnd().split('\n').at(-1)).toBe(
      "No server could be placed (unlimited): each one's reason is listed above.",
    );
    expect(none.stdout).not.toContain('proven optimal');
  });

  test('--mode exact within the capacity: places all 27 servers of large, proven optimal', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl(['optimize', '--dir', join(inferno, 'large'), '--mode', 'exact']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^Total cost \d+\.\d\d per hour; 27 of 27 servers placed \(exact, proven optimal\)\.$/,
    );
  });

  test('--mode greedy lists the servers left out and why', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl(['optimize', '--dir', join(inferno, 'small'), '--mode', 'greedy']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Premium-llama_70b\s+not placed\s+-\s+-\s+-\s+-\s+-$/m);
    expect(result.stdout).toContain(
      '\nLeft out:\n  Server "Premium-llama_70b" was not allocated: not enough free devices for any accelerator meeting its targets: 85 × G2 needs 170 G2',
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      'Total cost 1382.00 per hour; 6 of 15 servers placed (greedy, not proven optimal).',
    );
  });

  test("--json prints Inferno's solution-data.json with ICL's explanations", async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl([
      'optimize',
      '--dir',
      join(inferno, 'small'),
      '--mode',
      'exact',
      '--json',
    ]);
    expect(result.exitCode).toBe(0);
    const solution = JSON.parse(result.stdout);
    expect(Object.keys(solution.allocations)).toHaveLength(6);
    expect(solution.allocations['Premium-granite_13b']).toEqual({
      accelerator: 'G2',
      numReplicas: 2,
      maxBatch: 19,
      cost: 46,
      itlAverage: expect.any(Number),
      waitAverage: expect.any(Number),
      load: { arrivalRate: 60, avgLength: 1024, arrivalCOV: 1.5, serviceCOV: 1.5 },
      transitionPenalty: expect.any(Number),
    });
    expect(solution).toMatchObject({ totalCost: 1382, optimal: true, gap: 0, solver: 'exact' });
    expect(solution.unallocated).toHaveLength(9);
    expect(solution.unallocated[0]).toMatchObject({
      server: 'Premium-llama_70b',
      cause: 'capacity',
      priority: 1,
      accelerators: expect.arrayContaining([
        expect.objectContaining({ accelerator: 'G2', devicesNeeded: 170 }),
      ]),
    });
  });

  test("reads the controller's YAML custom resources", async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl(['optimize', '--dir', join(inferno, 'controller-samples')]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Premium-granite-13b\s+A100\s+\d+\s+16\s/m);
  });

  test('a malformed field is one line naming the file, line, column and field path; exit 2', async () => {
    const sandbox = await createSandbox();
    const directory = join(sandbox.work, 'broken');
    await cp(join(inferno, 'small'), directory, { recursive: true });
    const file = join(directory, 'model-data.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"beta": 0.41,', '"beta": "slow",'));
    const result = await sandbox.icl(['optimize', '--dir', directory]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^icl: Invalid Inferno data in .*broken\/model-data\.json:\d+:\d+: models\[2\]\.beta must be a number, not "slow"\. Fix that field; .*\n$/,
    );
  });

  test('a missing directory or an unknown mode is one line and exit 2', async () => {
    const sandbox = await createSandbox();
    const missing = await sandbox.icl(['optimize', '--dir', 'nowhere']);
    expect(missing).toMatchObject({ exitCode: 2, stdout: '' });
    expect(missing.stderr).toMatch(
      /^icl: Cannot read Inferno data from .*nowhere: no such directory\. Give the directory/,
    );
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
    const mode = await sandbox.icl(['optimize', '--dir', join(inferno, 'small'), '--mode', 'fast']);
    expect(mode).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'icl: Invalid --mode "fast". Give one of unlimited, greedy, exact.\n',
    });
  });
});
