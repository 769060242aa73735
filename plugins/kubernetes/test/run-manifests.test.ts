import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { V1Job } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildRunManifests, gpuPlacement } from '../src/index';
import { runFiles } from '../src/run-files';
import { createTemporaryRoot, runRequest } from './helpers';

describe('the manifests of a run', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary?.remove());

  test('a script becomes a Job with its file in a ConfigMap and its environment only in a Secret', async () => {
    const script = path.join(temporary.root, 'train.py');
    await fs.writeFile(script, 'print("training")\n');
    const request = runRequest(
      {
        kind: 'script',
        path: script,
        arguments: ['--epochs', '3'],
        resources: { cpu: '500m', memory: '1Gi' },
      },
      { environment: { API_TOKEN: 's3cr3t-value' }, timeoutMilliseconds: 90_500 },
    );
    const manifests = buildRunManifests(request, {
      namespace: 'ml',
      image: 'python:3.12-slim',
      outputMarker: '\u001eicl-0123456789abcdef',
      settings: { nodeSelector: { pool: 'cpu' } },
      files: await runFiles(request),
    });
    const job = manifests.workload as V1Job;
    expect(job.kind).toBe('Job');
    expect(job.metadata?.name).toBe(`icl-${request.runId}`);
    expect(job.metadata?.labels).toMatchObject({
      'icl.dev/managed': 'true',
      'icl.dev/run-id': request.runId,
    });
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.activeDeadlineSeconds).toBe(91);
    const container = job.spec?.template.spec?.containers[0];
    expect(container?.command?.slice(-5)).toEqual(['', 'python3', '/workspace/train.py', '--epochs', '3']);
    expect(container?.resources).toEqual({
      requests: { cpu: '500m', memory: String(2 ** 30) },
      limits: { cpu: '500m', memory: String(2 ** 30) },
    });
    expect(container?.envFrom).toEqual([{ secretRef: { name: `icl-${request.runId}` } }]);
    expect(job.spec?.template.spec?.nodeSelector).toEqual({ pool: 'cpu' });
    expect(JSON.stringify(job)).not.toContain('s3cr3t-value');
    expect(manifests.secret?.data).toEqual({ API_TOKEN: Buffer.from('s3cr3t-value').toString('base64') });
    expect(manifests.configMap?.binaryData).toEqual({
      f0: Buffer.from('print("training")\n').toString('base64'),
    });
    expect(job.spec?.template.spec?.volumes).toContainEqual({
      name: 'files',
      configMap: {
        name: `icl-${request.runId}`,
        items: [{ key: 'f0', path: 'workspace/train.py', mode: 0o644 }],
      },
    });
  });

  test('a service becomes a Deployment with a readiness probe and a Service on its ports', () => {
    const request = runRequest({
      kind: 'command',
      command: ['python3', '-m', 'http.server', '8000'],
      service: { ports: [8000], readiness: { path: '/' } },
    });
    const manifests = buildRunManifests(request, {
      namespace: 'default',
      image: 'img',
      outputMarker: 'm',
      settings: {},
    });
    expect(manifests.workload.kind).toBe('Deployment');
    const container = manifests.workload.spec?.template.spec?.containers[0];
    expect(container?.readinessProbe?.httpGet).toEqual({ port: 8000, path: '/' });
    expect(manifests.service?.spec?.ports).toEqual([
      { name: 'port-8000', port: 8000, targetPort: 8000, protocol: 'TCP' },
    ]);
    expect(manifests.service?.spec?.selector).toEqual({ 'icl.dev/run-id': request.runId });
  });

  test('GPUs of a model become a limit, an affinity on the product labels of matching nodes, and the GPU toleration', () => {
    const node = (name: string, product: string, count: number) => ({
      metadata: { name, labels: { 'nvidia.com/gpu.product': product } },
      status: { allocatable: { 'nvidia.com/gpu': String(count) } },
    });
    const placement = gpuPlacement(
      { count: 4, model: 'a100' },
      [
        node('a', 'NVIDIA-A100-SXM4-80GB', 8),
        node('b', 'NVIDIA-A100-PCIE-40GB', 4),
        node('c', 'NVIDIA-L40S', 4),
      ],
      { resource: 'nvidia.com/gpu', productLabel: 'nvidia.com/gpu.product' },
    );
    expect(placement).toEqual({
      limits: { 'nvidia.com/gpu': '4' },
      nodeRequirements: [
        {
          key: 'nvidia.com/gpu.product',
          operator: 'In',
          values: ['NVIDIA-A100-PCIE-40GB', 'NVIDIA-A100-SXM4-80GB'],
        },
      ],
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
  });

  test('files too large for a ConfigMap are refused, naming the limit and what to do instead', async () => {
    const data = path.join(temporary.root, 'data.bin');
    await fs.writeFile(data, Buffer.alloc(2 * 1024 * 1024));
    const request = runRequest(
      { kind: 'command', command: ['true'] },
      { runtime: { files: [{ src: data }] } },
    );
    await expect(runFiles(request)).rejects.toThrow(/more than a Kubernetes ConfigMap holds/);
  });
});
