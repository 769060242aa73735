import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { IclError } from '@icl/core';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKubernetesBackend, KubernetesPermissionError } from '../src/index';
import { clusterClient, createTemporaryRoot, leftovers, runRequest } from './helpers';

/** A kubeconfig like the testbed's, for another user or server. */
async function writeKubeconfig(file: string, changes: { token?: string; server?: string }): Promise<void> {
  const original = JSON.parse(await fs.readFile(process.env.KUBECONFIG!, 'utf8'));
  if (changes.token) original.users[0].user = { token: changes.token };
  if (changes.server) original.clusters[0].cluster.server = changes.server;
  await fs.writeFile(file, JSON.stringify(original), { mode: 0o600 });
}

describe('reaching the cluster', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  beforeAll(async () => {
    temporary = await createTemporaryRoot();
  });
  afterAll(() => temporary?.remove());

  test('an RBAC refusal names the verb, resource and namespace, and the kubectl commands that grant them', async () => {
    const { core, config } = clusterClient();
    const rbac = config.makeApiClient(k8s.RbacAuthorizationV1Api);
    const name = `icl-test-reader-${Date.now().toString(36)}`;
    const namespace = 'default';
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
    await rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    });
    try {
      const token = await core.createNamespacedServiceAccountToken({
        name,
        namespace,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      });
      const kubeconfig = path.join(temporary.root, 'reader.kubeconfig');
      await writeKubeconfig(kubeconfig, { token: token.status!.token });
      const backend = createKubernetesBackend({ kubeconfig }, temporary.context);
      const request = runRequest({ kind: 'command', command: ['true'] });
      const error = await backend.startRun(request).then(
        () => undefined,
        (refusal: unknown) => refusal,
      );
      expect(KubernetesPermissionError.isInstance(error)).toBe(true);
      const refusal = error as KubernetesPermissionError;
      expect(refusal.code).toBe('permission-denied');
      expect([refusal.verb, refusal.resource, refusal.namespace]).toEqual([
        'create',
        'jobs.batch',
        'default',
      ]);
      expect(refusal.message).toBe(
        `Kubernetes RBAC does not allow ICL to create jobs.batch in namespace "default" (context "icl-testbed"): jobs.batch is forbidden: User "system:serviceaccount:default:${name}" cannot create resource "jobs" in API group "batch" in the namespace "default"`,
      );
      expect(refusal.hint).toContain(
        'kubectl create role icl-runner -n default --verb=get,list,watch,create,patch,delete',
      );
      expect(refusal.hint).toContain(`--serviceaccount=default:${name}`);
      expect(await leftovers(request.runId)).toEqual([]);
      expect(await fs.readdir(path.join(temporary.context.stateDirectory, 'runs')).catch(() => [])).toEqual(
        [],
      );
    } finally {
      await rbac.deleteNamespacedRoleBinding({ name, namespace });
      await rbac.deleteNamespacedRole({ name, namespace });
      await core.deleteNamespacedServiceAccount({ name, namespace });
    }
  });

  test('an API server that does not answer is reported with its address and how to check it', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const kubeconfig = path.join(temporary.root, 'stopped.kubeconfig');
    await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${port}` });
    const backend = createKubernetesBackend({ kubeconfig }, temporary.context);
    const error = await backend.inventory().then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    expect(IclError.isInstance(error) && error.code).toBe('backend-unavailable');
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Cannot reach the Kubernetes API server at https://127\\.0\\.0\\.1:${port} \\(context "icl-testbed"\\): .*ECONNREFUSED`,
      ),
    );
    expect((error as IclError).hint).toContain('kubectl cluster-info');
  });

  test('an unknown context is refused, listing the contexts the kubeconfig has', async () => {
    const backend = createKubernetesBackend({ context: 'prod' }, temporary.context);
    await expect(backend.inventory()).rejects.toThrow(
      'The kubeconfig has no context "prod". It has: icl-testbed.',
    );
  });

  test('settings are checked by name and type', () => {
    expect(() => createKubernetesBackend({ namespce: 'x' } as never)).toThrow(
      'Unknown setting "namespce" for the Kubernetes backend.',
    );
    expect(() => createKubernetesBackend({ nodeSelector: 'gpu=true' } as never)).toThrow(
      'The Kubernetes backend setting "nodeSelector" must be a map of strings to strings, not "gpu=true".',
    );
    expect(() => createKubernetesBackend({ namespace: 'ML_Jobs' })).toThrow(
      '"ML_Jobs" is not a Kubernetes namespace name.',
    );
  });

  test('the inventory lists every node with its allocatable CPUs, memory and GPU models', async () => {
    const backend = createKubernetesBackend({}, temporary.context);
    const inventory = await backend.inventory();
    const h100 = inventory.nodes.find((node) => node.name === 'kwok-h100-0');
    expect(h100).toMatchObject({ cpus: 192, memoryBytes: 2 * 2 ** 40, labels: { simulated: 'kwok' } });
    expect(h100?.gpus).toHaveLength(8);
    expect(h100?.gpus[0]).toEqual({ id: '0', model: 'NVIDIA-H100-80GB-HBM3', memoryBytes: 0 });
    expect(inventory.nodes.find((node) => node.name === 'kwok-l4-0')?.gpus.map((gpu) => gpu.model)).toEqual(
      Array(4).fill('NVIDIA-L4'),
    );
  });
});
