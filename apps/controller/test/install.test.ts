import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, test } from 'vitest';
import { controllerName, installController, uninstallController } from '../src/index';
import { controllerSamples, optimizerSolution, sampleData } from './inferno-fixtures';
import {
  api,
  createNamespace,
  eventually,
  kubeconfig,
  kubectl,
  readResource,
  requestOptimization,
  startTestController,
} from './testbed-cluster';

const directories: string[] = [];
const installs: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  // A test that failed before uninstalling leaves the install's cluster-wide role and binding.
  for (const namespace of installs) {
    await uninstallController({ kubeconfig, namespace }).catch(() => undefined);
  }
});

/** A kubeconfig that authenticates as the install's ServiceAccount, with a short-lived token. */
async function serviceAccountKubeconfig(namespace: string): Promise<string> {
  const request = await api.core.createNamespacedServiceAccountToken({
    name: controllerName,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfig);
  const cluster = admin.getCurrentCluster()!;
  const directory = await mkdtemp(join(tmpdir(), 'icl-controller-sa-'));
  directories.push(directory);
  const file = join(directory, 'kubeconfig');
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'testbed',
          cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData },
        },
      ],
      users: [{ name: 'controller', user: { token: request.status!.token } }],
      contexts: [{ name: 'controller', context: { cluster: 'testbed', user: 'controller' } }],
      'current-context': 'controller',
    }),
    { mode: 0o600 },
  );
  return file;
}

/** `kubectl auth can-i` as the controller's ServiceAccount. */
async function controllerMay(installNamespace: string, ...question: string[]): Promise<boolean> {
  const answer = await kubectl(
    'auth',
    'can-i',
    `--as=system:serviceaccount:${installNamespace}:${controllerName}`,
    ...question,
  ).catch((error: { stdout?: string }) => error.stdout ?? '');
  return answer.trim() === 'yes';
}

describe('installing the controller', () => {
  test('the generated RBAC lets the controller do its work and nothing more; uninstall removes it', async () => {
    const installNamespace = await createNamespace('icl-controller-install');
    installs.push(installNamespace);
    const report = await installController({ kubeconfig, namespace: installNamespace, replicas: 0 });
    expect(report.actions).toContain(`applied Deployment ${installNamespace}/${controllerName}`);
    expect(report.actions).toContain('applied CustomResourceDefinition servers.inferno.platform.ai');
    expect(report.actions.some((action) => action.startsWith('created Namespace'))).toBe(false);
    const deployment = await api.apps.readNamespacedDeployment({
      namespace: installNamespace,
      name: controllerName,
    });
    expect(deployment.spec?.template.spec?.serviceAccountName).toBe(controllerName);

    // The controller, running as the install's ServiceAccount, serves Inferno's samples in another namespace.
    const dataNamespace = await createNamespace('icl-controller-install-data');
    await kubectl('apply', '-n', dataNamespace, '-k', controllerSamples);
    await startTestController(dataNamespace, {
      kubeconfig: await serviceAccountKubeconfig(installNamespace),
      leaderElection: { namespace: installNamespace },
    });
    await requestOptimization(dataNamespace, 'optimizer-sample');
    const server = await eventually(async () => {
      const found = await readResource('Server', dataNamespace, 'server-sample');
      return found.spec?.desiredAlloc ? found : undefined;
    });
    expect(server.spec?.desiredAlloc).toEqual(
      (await optimizerSolution(await sampleData())).allocations['Premium-granite-13b'],
    );

    // What it may not do.
    const may = (...question: string[]) => controllerMay(installNamespace, ...question);
    expect(await may('update', 'servers.inferno.platform.ai', '-n', dataNamespace)).toBe(true);
    expect(await may('delete', 'servers.inferno.platform.ai', '-n', dataNamespace)).toBe(false);
    expect(await may('create', 'servers.inferno.platform.ai', '-n', dataNamespace)).toBe(false);
    expect(await may('update', 'models.inferno.platform.ai', '-n', dataNamespace)).toBe(false);
    expect(await may('get', 'secrets', '-n', dataNamespace)).toBe(false);
    expect(await may('delete', 'deployments.apps', '-n', dataNamespace)).toBe(false);
    expect(await may('create', 'pods', '-n', dataNamespace)).toBe(false);
    expect(await may('update', 'leases.coordination.k8s.io', '-n', installNamespace)).toBe(true);
    expect(await may('update', 'leases.coordination.k8s.io', '-n', dataNamespace)).toBe(false);

    const removed = await uninstallController({ kubeconfig, namespace: installNamespace });
    expect(removed.actions).toEqual(
      expect.arrayContaining([
        `deleted Deployment ${installNamespace}/${controllerName}`,
        `deleted ServiceAccount ${installNamespace}/${controllerName}`,
        `deleted ClusterRole ${controllerName}:${installNamespace}`,
      ]),
    );
    expect(await may('update', 'servers.inferno.platform.ai', '-n', dataNamespace)).toBe(false);
    // The namespace existed before the install, so it stays; the CRDs stay unless asked.
    expect((await api.core.readNamespace({ name: installNamespace })).metadata?.name).toBe(installNamespace);
    expect(await kubectl('get', 'crd', 'servers.inferno.platform.ai', '-o', 'name')).toContain('servers');
  });
});
