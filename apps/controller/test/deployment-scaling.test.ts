import type { V1Deployment } from '@kubernetes/client-node';
import { beforeAll, describe, expect, test } from 'vitest';
import { optimizerSolution } from './inferno-fixtures';
import {
  api,
  conditionOf,
  createNamespace,
  createResource,
  eventually,
  installCrds,
  readResource,
  requestOptimization,
  startTestController,
} from './testbed-cluster';

beforeAll(async () => {
  await installCrds();
});

/** An inference Deployment as a user would have it before the controller sizes it: one replica, no GPUs. */
function inferenceDeployment(name: string): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'server', image: 'registry.invalid/inference-server:1' }],
          tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
        },
      },
    },
  };
}

/** The sample's granite-13b on A100 with a lighter load, served by a Deployment of the same name. */
async function createServing(namespace: string, server: string, annotations: Record<string, string> = {}) {
  await createResource(
    'Server',
    namespace,
    server,
    {
      name: server,
      class: 'Premium',
      model: 'granite-13b',
      currentAlloc: { accelerator: '', numReplicas: 0, load: { arrivalRate: 40, avgLength: 999 } },
    },
    { annotations },
  );
  await api.apps.createNamespacedDeployment({ namespace, body: inferenceDeployment(server) });
}

describe('scaling the Deployments that serve Servers', () => {
  test("with scaling on, a Server's Deployment gets the decided replicas, GPU model and limit, its pods run on kwok nodes of that model, and currentAlloc records them", async () => {
    const namespace = await createNamespace('icl-controller-scaling');
    await createResource('Accelerator', namespace, 'a100', {
      name: 'A100',
      type: 'A100',
      multiplicity: 1,
      cost: 40,
    });
    await createResource('Model', namespace, 'granite-13b', {
      name: 'granite-13b',
      data: [{ acc: 'A100', accCount: 1, alpha: 20.58, beta: 0.41, maxBatchSize: 32, atTokens: 512 }],
    });
    await createResource('ServiceClass', namespace, 'premium', {
      name: 'Premium',
      priority: 1,
      data: [{ model: 'granite-13b', 'slo-itl': 40, 'slo-ttw': 500 }],
    });
    await createResource('Optimizer', namespace, 'optimizer', {
      optimize: false,
      data: { optimizer: { unlimited: true, heterogeneous: false, milpSolver: false, useCplex: false } },
    });
    await createServing(namespace, 'granite');
    await createServing(namespace, 'granite-pinned', { 'icl.dev/scale-deployment': 'false' });
    await startTestController(namespace, { scaleDeployments: true });
    await requestOptimization(namespace, 'optimizer');

    const server = await eventually(async () => {
      const found = await readResource('Server', namespace, 'granite');
      return found.spec?.desiredAlloc ? found : undefined;
    });
    const desired = server.spec?.desiredAlloc as { accelerator: string; numReplicas: number };
    const expected = await optimizerSolution({
      system: {
        acceleratorData: { accelerators: [{ name: 'A100', type: 'A100', multiplicity: 1, cost: 40 }] },
        modelData: {
          models: [
            {
              name: 'granite-13b',
              acc: 'A100',
              accCount: 1,
              alpha: 20.58,
              beta: 0.41,
              maxBatchSize: 32,
              atTokens: 512,
            },
          ],
        },
        serviceClassData: {
          serviceClasses: [
            {
              name: 'Premium',
              priority: 1,
              modelTargets: [{ model: 'granite-13b', 'slo-itl': 40, 'slo-ttw': 500, 'slo-tps': 0 }],
            },
          ],
        },
        serverData: {
          servers: [
            {
              name: 'granite',
              class: 'Premium',
              model: 'granite-13b',
              keepAccelerator: false,
              minNumReplicas: 0,
              maxBatchSize: 0,
              currentAlloc: {
                accelerator: '',
                numReplicas: 0,
                maxBatch: 0,
                cost: 0,
                itlAverage: 0,
                waitAverage: 0,
                load: { arrivalRate: 40, avgLength: 999 },
              },
            },
          ],
        },
        optimizerData: {
          optimizer: { unlimited: true, heterogeneous: false, milpSolver: false, useCplex: false },
        },
      },
    });
    expect(desired).toEqual(expected.allocations.granite);
    expect(desired).toMatchObject({ accelerator: 'A100', numReplicas: 2 });

    const deployment = await eventually(async () => {
      const found = await api.apps.readNamespacedDeployment({ namespace, name: 'granite' });
      return found.spec?.replicas === desired.numReplicas ? found : undefined;
    });
    const pod = deployment.spec!.template.spec!;
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    expect(pod.containers[0]!.resources?.limits).toEqual({ 'nvidia.com/gpu': '1' });
    expect(pod.tolerations).toEqual([
      { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(deployment.metadata?.labels?.['icl.dev/inferno-server']).toBe('granite');

    const recorded = await eventually(async () => {
      const found = await readResource('Server', namespace, 'granite');
      const current = found.spec?.currentAlloc as { accelerator: string } | undefined;
      return current?.accelerator === 'A100' ? found : undefined;
    }, 30_000);
    // Once the rollout is over (currentAlloc is recorded then), every pod runs on an A100 kwok node.
    const pods = await eventually(async () => {
      const list = await api.core.listNamespacedPod({ namespace, labelSelector: 'app=granite' });
      const live = list.items.filter((item) => !item.metadata?.deletionTimestamp);
      return live.length === desired.numReplicas && live.every((item) => item.status?.phase === 'Running')
        ? live
        : undefined;
    }, 30_000);
    const nodes = await api.core.listNode();
    for (const item of pods) {
      const node = nodes.items.find((candidate) => candidate.metadata?.name === item.spec?.nodeName);
      expect(node?.metadata?.annotations?.['kwok.x-k8s.io/node']).toBe('fake');
      expect(node?.metadata?.labels?.['nvidia.com/gpu.product']).toBe('NVIDIA-A100-SXM4-80GB');
    }

    expect(recorded.spec?.currentAlloc).toEqual(recorded.spec?.desiredAlloc);
    expect(conditionOf(recorded, 'Scaled')).toMatchObject({
      status: 'True',
      reason: 'DeploymentScaled',
      message: 'Deployment granite runs 2 replicas on NVIDIA-A100-SXM4-80GB with 1 GPU each.',
    });

    // The Server whose annotation turns scaling off keeps its Deployment as it was.
    const pinned = await readResource('Server', namespace, 'granite-pinned');
    expect(pinned.spec?.desiredAlloc).toMatchObject({ accelerator: 'A100', numReplicas: 2 });
    const untouched = await api.apps.readNamespacedDeployment({ namespace, name: 'granite-pinned' });
    expect(untouched.spec?.replicas).toBe(1);
    expect(untouched.spec?.template.spec?.nodeSelector).toBeUndefined();
  });

  test('a Server whose accelerator no node has says so in its Scaled condition, and its Deployment is left alone', async () => {
    const namespace = await createNamespace('icl-controller-scaling-missing');
    await createResource('Accelerator', namespace, 'g2', {
      name: 'G2',
      type: 'G2',
      multiplicity: 1,
      cost: 23,
    });
    await createResource('Model', namespace, 'granite-13b', {
      name: 'granite-13b',
      data: [{ acc: 'G2', accCount: 1, alpha: 17.15, beta: 0.34, maxBatchSize: 38, atTokens: 512 }],
    });
    await createResource('ServiceClass', namespace, 'premium', {
      name: 'Premium',
      priority: 1,
      data: [{ model: 'granite-13b', 'slo-itl': 40, 'slo-ttw': 500 }],
    });
    await createResource('Optimizer', namespace, 'optimizer', {
      optimize: false,
      data: { optimizer: { unlimited: true, heterogeneous: false, milpSolver: false, useCplex: false } },
    });
    await createServing(namespace, 'granite');
    await startTestController(namespace, { scaleDeployments: true });
    await requestOptimization(namespace, 'optimizer');
    const server = await eventually(async () => {
      const found = await readResource('Server', namespace, 'granite');
      return conditionOf(found, 'Scaled') ? found : undefined;
    });
    expect(conditionOf(server, 'Scaled')).toMatchObject({ status: 'False', reason: 'NoGpuNodes' });
    expect(conditionOf(server, 'Scaled')?.message).toContain('No node has GPUs of accelerator "G2"');
    expect((await api.apps.readNamespacedDeployment({ namespace, name: 'granite' })).spec?.replicas).toBe(1);
    const events = await api.core.listNamespacedEvent({ namespace, fieldSelector: 'reason=NoGpuNodes' });
    expect(events.items).toHaveLength(1);
  });
});
