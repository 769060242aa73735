import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createSandbox } from './icl-process';

const binariesModule = new URL('../../../tooling/testbed/kubernetes-binaries.mjs', import.meta.url).href;
let kubectlPath: string;
const kubeconfig = process.env.KUBECONFIG!;

/** `kubectl` against the testbed, to see what the CLI created and left. */
async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(kubectlPath, [`--kubeconfig=${kubeconfig}`, ...args]);
  return stdout;
}

const namespace = `icl-cli-controller-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  const { ensureKubernetesBinaries } = (await import(binariesModule)) as {
    ensureKubernetesBinaries: () => Promise<{ programs: Record<string, string> }>;
  };
  kubectlPath = (await ensureKubernetesBinaries()).programs.kubectl!;
});

afterAll(async () => {
  // Whatever a failed test left: the namespace, and the cluster-wide role and binding of its install.
  await kubectl('delete', 'namespace', namespace, '--ignore-not-found', '--wait=false').catch(
    () => undefined,
  );
  await kubectl(
    'delete',
    'clusterrole,clusterrolebinding',
    `icl-inferno-controller:${namespace}`,
    '--ignore-not-found',
  ).catch(() => undefined);
});

describe('icl controller', () => {
  test('install --dry-run prints the manifests as YAML: the CRDs, RBAC and Deployment, in the given namespace', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.icl([
      'controller',
      'install',
      '--dry-run',
      '--namespace',
      'ops',
      '--scale-deployments',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const documents = parseAllDocuments(result.stdout).map((document) => document.toJS());
    expect(documents.map((document) => `${document.kind} ${document.metadata.name}`)).toEqual([
      'Namespace ops',
      'CustomResourceDefinition accelerators.inferno.platform.ai',
      'CustomResourceDefinition capacities.inferno.platform.ai',
      'CustomResourceDefinition models.inferno.platform.ai',
      'CustomResourceDefinition optimizers.inferno.platform.ai',
      'CustomResourceDefinition servers.inferno.platform.ai',
      'CustomResourceDefinition serviceclasses.inferno.platform.ai',
      'ServiceAccount icl-inferno-controller',
      'ClusterRole icl-inferno-controller:ops',
      'ClusterRoleBinding icl-inferno-controller:ops',
      'Role icl-inferno-controller',
      'RoleBinding icl-inferno-controller',
      'Deployment icl-inferno-controller',
    ]);
    const deployment = documents.at(-1);
    expect(deployment.metadata.namespace).toBe('ops');
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({
      name: 'ICL_CONTROLLER_SCALE_DEPLOYMENTS',
      value: 'true',
    });
  });

  test('install applies them to the cluster, and uninstall removes them with the namespace it created', async () => {
    const sandbox = await createSandbox();
    const installed = await sandbox.icl([
      'controller',
      'install',
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      namespace,
      '--replicas',
      '0',
    ]);
    expect(installed.stderr).toBe('');
    expect(installed.exitCode).toBe(0);
    expect(installed.stdout).toContain(`created Namespace ${namespace}\n`);
    expect(installed.stdout).toContain(`applied Deployment ${namespace}/icl-inferno-controller\n`);
    expect(installed.stdout).toContain(`The controller is installed in namespace ${namespace}.`);
    expect(
      await kubectl(
        'get',
        'serviceaccount,role,rolebinding,deployment',
        '-n',
        namespace,
        '-l',
        'app.kubernetes.io/managed-by=icl',
        '-o',
        'name',
      ),
    ).toBe(
      [
        'serviceaccount/icl-inferno-controller',
        'role.rbac.authorization.k8s.io/icl-inferno-controller',
        'rolebinding.rbac.authorization.k8s.io/icl-inferno-controller',
        'deployment.apps/icl-inferno-controller',
        '',
      ].join('\n'),
    );
    expect(await kubectl('get', 'crd', 'servers.inferno.platform.ai', '-o', 'name')).toBe(
      'customresourcedefinition.apiextensions.k8s.io/servers.inferno.platform.ai\n',
    );

    // Installing again changes nothing that matters and does not fail.
    const again = await sandbox.icl([
      'controller',
      'install',
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      namespace,
      '--replicas',
      '0',
      '--json',
    ]);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout).actions).not.toContain(`created Namespace ${namespace}`);

    const removed = await sandbox.icl([
      'controller',
      'uninstall',
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      namespace,
    ]);
    expect(removed.stderr).toBe('');
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toContain(`deleted ClusterRole icl-inferno-controller:${namespace}\n`);
    expect(removed.stdout).toContain(`deleted Namespace ${namespace}\n`);
    expect(
      await kubectl(
        'get',
        'clusterrole',
        `icl-inferno-controller:${namespace}`,
        '--ignore-not-found',
        '-o',
        'name',
      ),
    ).toBe('');
    // The CRDs (and every Inferno resource) stay unless --delete-crds is given.
    expect(await kubectl('get', 'crd', 'servers.inferno.platform.ai', '-o', 'name')).not.toBe('');

    const twice = await sandbox.icl([
      'controller',
      'uninstall',
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      `${namespace}-never`,
    ]);
    expect(twice.exitCode).toBe(0);
    expect(twice.stdout).toBe(`nothing of the controller was left in ${namespace}-never\n`);
  });

  test('mistakes are one line and exit 2: a bad --replicas, a kubeconfig that does not exist', async () => {
    const sandbox = await createSandbox();
    const replicas = await sandbox.icl(['controller', 'install', '--replicas', 'two', '--dry-run']);
    expect(replicas.exitCode).toBe(2);
    expect(replicas.stderr).toBe(
      'icl: Invalid --replicas "two". Give a whole number of controller replicas, like 1 or 2.\n',
    );
    const missing = await sandbox.icl(['controller', 'install', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(
      /^icl: Cannot read the kubeconfig \/nonexistent\/kubeconfig: .* Give --kubeconfig <file> \(and --context\), or set KUBECONFIG\.\n$/,
    );
  });
});
