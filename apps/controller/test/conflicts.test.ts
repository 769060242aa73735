import type { CustomObjectsApi } from '@kubernetes/client-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { ResourceWriter } from '../src/resource-writer';
import { controllerSamples } from './inferno-fixtures';
import { api, createNamespace, installCrds, kubectl, readResource } from './testbed-cluster';

beforeAll(async () => {
  await installCrds();
});

/** The API client, except that just before its first replace someone else changes the Server's load. */
function racingClient(namespace: string): CustomObjectsApi {
  let raced = false;
  return new Proxy(api.customObjects, {
    get(target, property) {
      if (property === 'replaceNamespacedCustomObject') {
        return async (parameters: Parameters<CustomObjectsApi['replaceNamespacedCustomObject']>[0]) => {
          if (!raced) {
            raced = true;
            await kubectl(
              'patch',
              '-n',
              namespace,
              'server',
              'server-sample',
              '--type',
              'merge',
              '-p',
              '{"spec":{"currentAlloc":{"load":{"arrivalRate":75}}}}',
            );
          }
          return target.replaceNamespacedCustomObject(parameters);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('conflicts', () => {
  test('a write that loses a race (409) is decided again on a fresh read, and both changes survive', async () => {
    const namespace = await createNamespace('icl-controller-conflict');
    await kubectl('apply', '-n', namespace, '-k', controllerSamples);
    const writes: string[] = [];
    const writer = new ResourceWriter({
      customObjects: racingClient(namespace),
      fieldManager: 'icl-conflict-test',
      assertLeader: () => undefined,
      onWrite: (_kind, resource, part) => writes.push(`${part} ${resource.metadata.resourceVersion}`),
    });
    const seenLoads: number[] = [];
    await writer.updateSpec('Server', namespace, 'server-sample', (fresh) => {
      seenLoads.push(
        (fresh.spec as { currentAlloc: { load: { arrivalRate: number } } }).currentAlloc.load.arrivalRate,
      );
      return { ...fresh.spec, desiredAlloc: { accelerator: 'A100', numReplicas: 3 } };
    });
    const server = await readResource('Server', namespace, 'server-sample');
    // The first decision was made on the load read before the race; the written one on the fresh read.
    expect(seenLoads).toEqual([100, 75]);
    expect(server.spec?.desiredAlloc).toEqual({ accelerator: 'A100', numReplicas: 3 });
    expect((server.spec?.currentAlloc as { load: { arrivalRate: number } }).load.arrivalRate).toBe(75);
    expect(writes).toEqual([`spec ${server.metadata.resourceVersion}`]);
  });
});
