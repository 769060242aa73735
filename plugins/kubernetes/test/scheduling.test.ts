import { type BackendV1, IclError } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKubernetesBackend } from '../src/index';
import {
  clusterClient,
  createTemporaryRoot,
  eventually,
  leftovers,
  runPods,
  runRequest,
  simulatedNodeSettings,
} from './helpers';

/**
 * GPU placement and unschedulable requests, on kwok's simulated GPU nodes (kwok-h100-0 and kwok-a100-0
 * with 8 GPUs, kwok-l4-0 with 4, all tainted nvidia.com/gpu=present:NoSchedule) with the real scheduler.
 */
describe('scheduling on the simulated nodes', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let backend: BackendV1;
  const command = { kind: 'command' as const, command: ['true'] };

  beforeAll(async () => {
    temporary = await createTemporaryRoot();
    backend = createKubernetesBackend(simulatedNodeSettings, temporary.context);
  });
  afterAll(async () => {
    await backend?.close?.();
    await temporary?.remove();
  });

  test('--gpus H100:2 lands on the H100 node, asking for 2 nvidia.com/gpu and tolerating the GPU taint', async () => {
    const request = runRequest({ ...command, resources: { gpu: 'H100:2' } });
    const handle = await backend.startRun(request);
    const pod = await eventually(async () =>
      (await runPods(request.runId)).find((entry) => entry.spec?.nodeName),
    );
    expect(pod.spec?.nodeName).toBe('kwok-h100-0');
    expect(pod.spec?.containers[0]?.resources?.limits).toEqual({ 'nvidia.com/gpu': '2' });
    expect(
      pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
    ).toEqual([
      {
        matchExpressions: [
          { key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-H100-80GB-HBM3'] },
        ],
      },
    ]);
    expect(pod.spec?.tolerations).toContainEqual({
      key: 'nvidia.com/gpu',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
    const state = await backend.waitForRun(handle);
    expect(state.status).toBe('succeeded');
    // The ended run's objects are deleted; its exited pod is collected in the background.
    await eventually(
      async () => ((await leftovers(request.runId)).length === 0 ? true : undefined),
      10_000,
      'no objects left',
    );
  });

  test('a model no node has (B200) is refused at once, naming the models the nodes have, and nothing is created', async () => {
    const request = runRequest({ ...command, resources: { gpu: 'B200:1' } });
    const started = Date.now();
    const error = await backend.startRun(request).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(IclError.isInstance(error) && error.code).toBe('resource-unavailable');
    expect((error as Error).message).toBe(
      'No node has a GPU of model B200. GPU nodes: kwok-a100-0 (8 × NVIDIA-A100-SXM4-80GB), kwok-h100-0 (8 × NVIDIA-H100-80GB-HBM3), kwok-l4-0 (4 × NVIDIA-L4).',
    );
    expect(await leftovers(request.runId)).toEqual([]);
  });

  test('more GPUs than any node of the model has is refused, naming the largest node', async () => {
    const request = runRequest({ ...command, resources: { gpu: 'H100:16' } });
    await expect(backend.startRun(request)).rejects.toThrow(
      'No node has 16 H100 GPUs; the most on one node is 8 (kwok-h100-0).',
    );
  });

  test('too few free GPUs fails within 30 s with the scheduler\u2019s reason, and leaves nothing behind', async () => {
    // A pod outside ICL holds all four L4s (kwok keeps pods that no Job owns running).
    const { core } = clusterClient();
    const holder = `gpu-holder-${Date.now().toString(36)}`;
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: holder },
        spec: {
          nodeName: 'kwok-l4-0',
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'hold', image: 'none', resources: { limits: { 'nvidia.com/gpu': '4' } } }],
        },
      },
    });
    try {
      const request = runRequest({ ...command, resources: { gpu: 'L4:1' } });
      const started = Date.now();
      const handle = await backend.startRun(request);
      const state = await backend.waitForRun(handle);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(state.status).toBe('failed');
      expect(state.reason).toMatch(
        /^Not scheduled within 20 s\. None of the \d+ nodes can take it: 1 node has too few free GPUs \(nvidia\.com\/gpu\); \d+ nodes are not of the GPU model or node selection the run asks for/,
      );
      expect(state.reason).toContain('(scheduler: 0/');
      expect(await leftovers(request.runId)).toEqual([]);
    } finally {
      await core.deleteNamespacedPod({ namespace: 'default', name: holder, gracePeriodSeconds: 0 });
    }
  }, 60_000);

  test('nodes whose taints the run does not tolerate are named in the reason', async () => {
    const untolerating = createKubernetesBackend(
      { image: simulatedNodeSettings.image, nodeSelector: { type: 'kwok' }, schedulingTimeoutSeconds: 1 },
      temporary.context,
    );
    try {
      const request = runRequest(command);
      const handle = await untolerating.startRun(request);
      const state = await untolerating.waitForRun(handle);
      expect(state.status).toBe('failed');
      expect(state.reason).toContain(
        '4 nodes have a taint the run does not tolerate (kwok.x-k8s.io/node: fake)',
      );
      expect(state.reason).toContain(
        '3 nodes have a taint the run does not tolerate (nvidia.com/gpu: present)',
      );
    } finally {
      await untolerating.close?.();
    }
  });

  test('with schedulingTimeoutSeconds 0 an unschedulable run waits, says why, and cancel leaves no Job or Pod', async () => {
    const patient = createKubernetesBackend(
      { ...simulatedNodeSettings, schedulingTimeoutSeconds: 0 },
      temporary.context,
    );
    try {
      const request = runRequest({ ...command, resources: { cpu: 5000 } });
      const handle = await patient.startRun(request);
      const pending = await eventually(async () => {
        const state = await patient.getRunState(handle);
        return state.reason ? state : undefined;
      });
      expect(pending.status).toBe('pending');
      expect(pending.reason).toContain('4 nodes have too little free CPU');
      const cancelled = await patient.cancelRun(handle);
      expect(cancelled.status).toBe('cancelled');
      expect(await leftovers(request.runId)).toEqual([]);
    } finally {
      await patient.close?.();
    }
  });

  test('the timeout is the Job\u2019s activeDeadlineSeconds: the cluster stops the run and it ends timed-out', async () => {
    const patient = createKubernetesBackend(
      { ...simulatedNodeSettings, schedulingTimeoutSeconds: 0 },
      temporary.context,
    );
    try {
      const request = runRequest({ ...command, resources: { cpu: 5000 } }, { timeoutMilliseconds: 1500 });
      const handle = await patient.startRun(request);
      const job = await clusterClient().batch.readNamespacedJob({
        namespace: 'default',
        name: `icl-${request.runId}`,
      });
      expect(job.spec?.activeDeadlineSeconds).toBe(2);
      const state = await patient.waitForRun(handle);
      expect(state.status).toBe('timed-out');
      expect(state.reason).toBe('Stopped after the timeout of 1500 ms.');
      expect(await leftovers(request.runId)).toEqual([]);
    } finally {
      await patient.close?.();
    }
  });
});
