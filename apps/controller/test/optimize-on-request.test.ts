import { infernoSystemToProblem, solveAllocation } from '@icl/optimizer';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  controllerSamples,
  createSampleSet,
  kubernetesName,
  optimizerSolution,
  sampleData,
} from './inferno-fixtures';
import {
  api,
  conditionOf,
  createNamespace,
  eventually,
  installCrds,
  kubectl,
  readResource,
  requestOptimization,
  startTestController,
  stopTestController,
} from './testbed-cluster';

beforeAll(async () => {
  await installCrds();
});

/** Applies Inferno's samples unchanged, as its documentation does, into a fresh namespace. */
async function applySamples(prefix: string): Promise<string> {
  const namespace = await createNamespace(prefix);
  await kubectl('apply', '-n', namespace, '-k', controllerSamples);
  return namespace;
}

/** The Server once the Optimizer's request has been answered. */
async function answered(namespace: string) {
  return eventually(async () => {
    const optimizer = await readResource('Optimizer', namespace, 'optimizer-sample');
    if (optimizer.spec?.optimize !== false || optimizer.status?.done !== true) return undefined;
    return readResource('Server', namespace, 'server-sample');
  });
}

/** Waits until the Optimizer named `optimizer` of a sample set says its optimization is done. */
function optimizationDone(namespace: string, timeoutMilliseconds?: number) {
  return eventually(async () => {
    const optimizer = await readResource('Optimizer', namespace, 'optimizer');
    return optimizer.status?.done === true ? optimizer : undefined;
  }, timeoutMilliseconds);
}

describe('the controller answers an Optimizer that asks (spec.optimize: true)', () => {
  test("applying Inferno's samples and asking writes @icl/optimizer's solution into every Server's desiredAlloc", async () => {
    const namespace = await applySamples('icl-controller-samples');
    await startTestController(namespace);
    await requestOptimization(namespace, 'optimizer-sample');

    const server = await answered(namespace);
    const expected = await optimizerSolution(await sampleData());
    expect(Object.keys(expected.allocations)).toEqual(['Premium-granite-13b']);
    expect(server.spec?.desiredAlloc).toEqual(expected.allocations['Premium-granite-13b']);
    expect(server.spec?.desiredAlloc).toMatchObject({ accelerator: 'A100', numReplicas: 5 });
    expect(conditionOf(server, 'Allocated')).toMatchObject({ status: 'True', reason: 'Optimized' });
    const optimizer = await readResource('Optimizer', namespace, 'optimizer-sample');
    expect(conditionOf(optimizer, 'Optimized')?.message).toBe(
      'Placed 1 of 1 servers at 200.00 per hour (unlimited solver, in process, proven optimal).',
    );
    const events = await kubectl(
      'get',
      'events',
      '-n',
      namespace,
      '--field-selector',
      'involvedObject.kind=Optimizer',
    );
    expect(events).toMatch(/Normal\s+Optimized\s+optimizer\/optimizer-sample\s+Placed 1 of 1 servers/);
  });

  test('a capacity-limited set (small): placed servers get the greedy solution, the others the reason in a condition', async () => {
    const namespace = await createNamespace('icl-controller-small');
    const flags = { unlimited: false, heterogeneous: false, milpSolver: false, useCplex: false };
    const data = await createSampleSet('small', namespace, flags);
    await startTestController(namespace);
    await requestOptimization(namespace, 'optimizer');
    await optimizationDone(namespace);

    const expected = await optimizerSolution(data);
    expect(expected.solution.solver).toBe('greedy');
    expect(Object.keys(expected.allocations)).toHaveLength(6);
    for (const server of data.system.serverData.servers) {
      const resource = await readResource('Server', namespace, kubernetesName(server.name));
      const allocation = expected.allocations[server.name];
      if (allocation) {
        expect(resource.spec?.desiredAlloc, server.name).toEqual(allocation);
        expect(conditionOf(resource, 'Allocated')?.status, server.name).toBe('True');
      } else {
        const left = expected.solution.unallocated.find((entry) => entry.server === server.name)!;
        expect(resource.spec?.desiredAlloc, server.name).toBeUndefined();
        expect(conditionOf(resource, 'Allocated'), server.name).toMatchObject({
          status: 'False',
          reason: 'InsufficientCapacity',
          message: `${left.reason} desiredAlloc is left as it was.`,
        });
      }
    }
    const warnings = await kubectl(
      'get',
      'events',
      '-n',
      namespace,
      '--field-selector',
      'reason=InsufficientCapacity',
      '-o',
      'name',
    );
    expect(warnings.trim().split('\n')).toHaveLength(9);
  });

  test('a heterogeneous solve that splits a server: its desiredAlloc is the allocation that stands alone, and the condition names the split', async () => {
    const namespace = await createNamespace('icl-controller-split');
    const flags = { unlimited: false, heterogeneous: true, milpSolver: true, useCplex: false };
    const data = await createSampleSet('small', namespace, flags);
    await startTestController(namespace);
    await requestOptimization(namespace, 'optimizer');
    await optimizationDone(namespace, 60_000);
    const { problem } = infernoSystemToProblem(data);
    let splits = 0;
    for (const server of data.system.serverData.servers) {
      const resource = await readResource('Server', namespace, kubernetesName(server.name));
      const message = conditionOf(resource, 'Allocated')?.message ?? '';
      const written = /^(\d+) × (\S+), .*\(the optimizer's split, (.+) at [\d.]+ per hour/.exec(message);
      if (!written) continue;
      splits++;
      // What the cluster can run: the condition's one accelerator, with the replicas the whole load
      // needs there alone (as the queue model sizes this server on that accelerator).
      const [, replicas, accelerator, shares] = written;
      expect(shares, server.name).toMatch(/^\d+ × \S+( \+ \d+ × \S+)+$/);
      expect(resource.spec?.desiredAlloc, server.name).toMatchObject({
        accelerator,
        numReplicas: Number(replicas),
      });
      const alone = await solveAllocation(
        {
          ...problem,
          servers: problem.servers.filter((candidate) => candidate.name === server.name),
          accelerators: problem.accelerators.filter((candidate) => candidate.name === accelerator),
          capacity: undefined,
        },
        { solver: 'unlimited' },
      );
      expect(alone.allocations[server.name]?.replicas, server.name).toBe(Number(replicas));
    }
    expect(splits).toBeGreaterThan(0);
  });

  test("changing a Server's load and asking again updates its desiredAlloc within 5 s", async () => {
    const namespace = await applySamples('icl-controller-load');
    await startTestController(namespace);
    await requestOptimization(namespace, 'optimizer-sample');
    await answered(namespace);

    const started = Date.now();
    await kubectl(
      'patch',
      '-n',
      namespace,
      'server',
      'server-sample',
      '--type',
      'merge',
      '-p',
      '{"spec":{"currentAlloc":{"load":{"arrivalRate":30}}}}',
    );
    await requestOptimization(namespace, 'optimizer-sample');
    const server = await eventually(
      async () => {
        const found = await readResource('Server', namespace, 'server-sample');
        const desired = found.spec?.desiredAlloc as { load?: { arrivalRate?: number } } | undefined;
        return desired?.load?.arrivalRate === 30 ? found : undefined;
      },
      5_000,
      50,
    );
    expect(Date.now() - started).toBeLessThan(5_000);

    const expected = await optimizerSolution(
      await sampleData((text, name) =>
        name.includes('server') ? text.replace('arrivalRate: 100', 'arrivalRate: 30') : text,
      ),
    );
    expect(server.spec?.desiredAlloc).toEqual(expected.allocations['Premium-granite-13b']);
    expect((server.spec?.desiredAlloc as { numReplicas: number }).numReplicas).toBeLessThan(5);
  });

  test('a restarted controller answers a request made while it was down, and writes nothing twice', async () => {
    const namespace = await applySamples('icl-controller-restart');
    const first = await startTestController(namespace);
    await requestOptimization(namespace, 'optimizer-sample');
    await answered(namespace);
    await stopTestController(first.controller);

    // Asked while no controller runs: the next one answers it when it starts.
    await kubectl(
      'patch',
      '-n',
      namespace,
      'server',
      'server-sample',
      '--type',
      'merge',
      '-p',
      '{"spec":{"currentAlloc":{"load":{"arrivalRate":60}}}}',
    );
    await requestOptimization(namespace, 'optimizer-sample');
    const second = await startTestController(namespace);
    await eventually(async () => {
      const found = await readResource('Server', namespace, 'server-sample');
      return (found.spec?.desiredAlloc as { load: { arrivalRate: number } }).load.arrivalRate === 60
        ? found
        : undefined;
    });
    await answered(namespace);
    await stopTestController(second.controller);

    // A third controller optimizing on a short period finds everything as it should be and writes nothing.
    const versions = async () => {
      const list = await kubectl(
        'get',
        'accelerators,models,serviceclasses,servers,capacities,optimizers',
        '-n',
        namespace,
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.metadata.resourceVersion} {end}',
      );
      return list.trim();
    };
    const before = await versions();
    const third = await startTestController(namespace, { period: '300ms' });
    await eventually(async () => (third.controller.optimizations.length >= 3 ? true : undefined));
    expect(third.controller.optimizations.every((report) => report.trigger === 'period')).toBe(true);
    expect(third.controller.writes).toEqual([]);
    expect(await versions()).toBe(before);
    const events = await api.core.listNamespacedEvent({ namespace, fieldSelector: 'reason=Optimized' });
    expect(events.items).toHaveLength(2);
    await stopTestController(third.controller);

    // A period longer than one Node.js timer takes (30 days) waits, rather than firing every millisecond.
    const monthly = await startTestController(namespace, { period: '30d' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(monthly.controller.optimizations.filter((report) => report.trigger === 'period')).toEqual([]);
    await stopTestController(monthly.controller);
  });
});
