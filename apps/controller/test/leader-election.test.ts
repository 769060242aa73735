import { beforeAll, describe, expect, test } from 'vitest';
import { controllerSamples } from './inferno-fixtures';
import {
  api,
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

/** The field managers that have written an object (its managedFields), other than kubectl's and the API server's. */
function controllerManagers(resource: {
  metadata: { managedFields?: Array<{ manager?: string }> };
}): string[] {
  return [
    ...new Set(
      (resource.metadata.managedFields ?? [])
        .map((entry) => entry.manager ?? '')
        .filter((manager) => manager.startsWith('replica-')),
    ),
  ].sort();
}

describe('leader election', () => {
  test('of two controller replicas exactly one writes; when it stops, the other takes over', async () => {
    const namespace = await createNamespace('icl-controller-leader');
    await kubectl('apply', '-n', namespace, '-k', controllerSamples);
    // Each replica writes under its own field manager, so the objects' managedFields tell who wrote.
    const replicas = await Promise.all(
      ['replica-a', 'replica-b'].map((identity) =>
        startTestController(namespace, { fieldManager: identity, leaderElection: { identity } }),
      ),
    );
    const holder = await eventually(async () => {
      const lease = await api.coordination.readNamespacedLease({ namespace, name: 'icl-inferno-controller' });
      return lease.spec?.holderIdentity || undefined;
    });
    const leader = replicas.find((replica) => replica.controller.identity === holder)!;
    const follower = replicas.find((replica) => replica !== leader)!;
    expect(leader.controller.isLeader()).toBe(true);
    expect(follower.controller.isLeader()).toBe(false);

    await requestOptimization(namespace, 'optimizer-sample');
    const server = await eventually(async () => {
      const found = await readResource('Server', namespace, 'server-sample');
      const optimizer = await readResource('Optimizer', namespace, 'optimizer-sample');
      return found.spec?.desiredAlloc && optimizer.status?.done === true ? found : undefined;
    });
    // Give the follower time to act if it were going to (it must not).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const [kind, name] of [
      ['Server', 'server-sample'],
      ['Optimizer', 'optimizer-sample'],
      ['Model', 'model-sample'],
      ['Accelerator', 'accelerator-sample'],
    ] as const) {
      expect(controllerManagers(await readResource(kind, namespace, name)), `${kind} ${name}`).toEqual([
        holder,
      ]);
    }
    expect(follower.controller.writes).toEqual([]);
    expect(follower.controller.optimizations).toEqual([]);
    // The Server was written twice (desiredAlloc in its spec, then its status), each time by the leader.
    const serverWrites = leader.controller.writes.filter(
      (write) => write.name === `${namespace}/server-sample`,
    );
    expect(serverWrites.map((write) => write.part)).toEqual(['spec', 'status']);
    expect(serverWrites.at(-1)!.resourceVersion).toBe(
      (await readResource('Server', namespace, 'server-sample')).metadata.resourceVersion,
    );
    expect(server.metadata.resourceVersion).toBeDefined();

    // The leader stops (releasing the Lease); the other replica takes over and answers the next request.
    await stopTestController(leader.controller);
    await eventually(async () => (follower.controller.isLeader() ? true : undefined), 10_000);
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
    const after = await eventually(async () => {
      const found = await readResource('Server', namespace, 'server-sample');
      return (found.spec?.desiredAlloc as { load: { arrivalRate: number } }).load.arrivalRate === 30
        ? found
        : undefined;
    });
    expect(controllerManagers(after)).toEqual(['replica-a', 'replica-b']);
    expect(follower.controller.writes.length).toBeGreaterThan(0);
    const lease = await api.coordination.readNamespacedLease({ namespace, name: 'icl-inferno-controller' });
    expect(lease.spec?.holderIdentity).toBe(follower.controller.identity);
  });
});
