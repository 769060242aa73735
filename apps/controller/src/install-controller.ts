import { BackendUnavailableError } from '@icl/core';
import {
  isNotFound,
  KubernetesPermissionError,
  kubernetesErrorMessage,
  kubernetesStatusCode,
} from '@icl/plugin-kubernetes';
import {
  ApiextensionsV1Api,
  type KubernetesObject,
  KubernetesObjectApi,
  loadYaml,
  PatchStrategy,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import {
  type ControllerManifestOptions,
  controllerLabels,
  controllerManifests,
  controllerName,
} from './controller-manifests';
import { infernoCustomResourceDefinitions } from './custom-resource-definitions';
import {
  type ClusterConnectionOptions,
  createKubernetesClients,
  type KubernetesClients,
} from './kubernetes-clients';

/** What `icl controller install` takes: where the cluster is, and what to install. */
export interface ControllerInstallOptions extends ControllerManifestOptions, ClusterConnectionOptions {}

/** What an install or uninstall did, one line per object (`created Deployment icl-system/icl-inferno-controller`). */
export interface ControllerInstallReport {
  namespace: string;
  actions: string[];
}

/** The label marking a namespace the install created (and so may delete). */
const createdNamespaceLabel = 'icl.dev/created-by';

/**
 * Installs the controller: creates its namespace when missing, then server-side applies the CRDs, the
 * ServiceAccount and its least-privilege roles, and the Deployment (re-running it updates them), and
 * waits until the CRDs are served.
 *
 * @throws KubernetesPermissionError when the kubeconfig's user may not create them (installing needs a
 *   cluster admin: CRDs and cluster roles are cluster-wide); BackendUnavailableError when the cluster does not answer.
 */
export async function installController(
  options: ControllerInstallOptions = {},
): Promise<ControllerInstallReport> {
  const clients = createKubernetesClients(options);
  const namespace = options.namespace ?? 'icl-system';
  const actions: string[] = [];
  const server = clients.kubeConfig.getCurrentCluster()?.server ?? 'the cluster';
  await explained(server, 'create', 'namespaces', async () => {
    try {
      await clients.core.readNamespace({ name: namespace });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await clients.core.createNamespace({
        body: {
          metadata: {
            name: namespace,
            labels: { ...controllerLabels, [createdNamespaceLabel]: 'icl-controller-install' },
          },
        },
      });
      actions.push(`created Namespace ${namespace}`);
    }
  });
  actions.push(...(await applyManifests(clients, controllerManifests({ ...options, namespace }))));
  await waitForEstablished(clients);
  return { namespace, actions };
}

/**
 * Applies only the six CRDs (server-side apply, so re-applying updates them) and waits until they are
 * served: for clusters where the controller runs elsewhere, and for tests.
 */
export async function installCustomResourceDefinitions(
  options: ClusterConnectionOptions = {},
): Promise<ControllerInstallReport> {
  const clients = createKubernetesClients(options);
  const actions = await applyManifests(clients, infernoCustomResourceDefinitions());
  await waitForEstablished(clients);
  return { namespace: '', actions };
}

async function applyManifests(clients: KubernetesClients, manifests: KubernetesObject[]): Promise<string[]> {
  const server = clients.kubeConfig.getCurrentCluster()?.server ?? 'the cluster';
  const objects = KubernetesObjectApi.makeApiClient(clients.kubeConfig);
  const actions: string[] = [];
  for (const manifest of manifests) {
    await explained(server, 'patch', resourceOf(manifest), async () => {
      // The manifests are in wire form; the client wants its own model (`default` is `_default` there).
      const model = loadYaml<KubernetesObject>(JSON.stringify(manifest));
      await objects.patch(model, undefined, undefined, 'icl', true, PatchStrategy.ServerSideApply);
    });
    actions.push(`applied ${describe(manifest)}`);
  }
  return actions;
}

/**
 * Removes what {@link installController} created: the Deployment, roles, bindings, ServiceAccount and
 * Lease, and the namespace when the install created it. The CRDs stay unless `deleteCrds`: deleting them
 * deletes every Inferno resource in the cluster. Deleting what is already gone is not an error.
 */
export async function uninstallController(
  options: ClusterConnectionOptions & { namespace?: string; deleteCrds?: boolean } = {},
): Promise<ControllerInstallReport> {
  const clients = createKubernetesClients(options);
  const namespace = options.namespace ?? 'icl-system';
  const server = clients.kubeConfig.getCurrentCluster()?.server ?? 'the cluster';
  const objects = KubernetesObjectApi.makeApiClient(clients.kubeConfig);
  const actions: string[] = [];
  const remove = async (manifest: KubernetesObject) =>
    explained(server, 'delete', resourceOf(manifest), async () => {
      try {
        await objects.delete(manifest, undefined, undefined, undefined, undefined, 'Foreground');
        actions.push(`deleted ${describe(manifest)}`);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
  const manifests = controllerManifests({ namespace }).filter(
    (manifest) => manifest.kind !== 'CustomResourceDefinition',
  );
  for (const manifest of manifests.reverse()) await remove(manifest);
  await remove({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: controllerName, namespace },
  });
  if (options.deleteCrds) {
    for (const definition of infernoCustomResourceDefinitions()) await remove(definition);
  }
  await explained(server, 'delete', 'namespaces', async () => {
    try {
      const found = await clients.core.readNamespace({ name: namespace });
      if (found.metadata?.labels?.[createdNamespaceLabel]) {
        await clients.core.deleteNamespace({ name: namespace });
        actions.push(`deleted Namespace ${namespace}`);
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  });
  return { namespace, actions };
}

async function waitForEstablished(clients: KubernetesClients): Promise<void> {
  const api = clients.kubeConfig.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + 30_000;
  for (const definition of infernoCustomResourceDefinitions()) {
    const name = definition.metadata!.name!;
    for (;;) {
      const found: V1CustomResourceDefinition = await api.readCustomResourceDefinition({ name });
      if (
        found.status?.conditions?.some(
          (condition) => condition.type === 'Established' && condition.status === 'True',
        )
      )
        break;
      if (Date.now() > deadline) {
        throw new BackendUnavailableError({
          backendName: 'kubernetes',
          message: `The CustomResourceDefinition ${name} was applied but is not served after 30 s.`,
          hint: `Look at its conditions: kubectl get crd ${name} -o yaml`,
          isRetryable: true,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Runs one API step, turning an RBAC refusal or an unreachable cluster into an error a user can act on. */
async function explained(
  server: string,
  verb: string,
  resource: string,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    const code = kubernetesStatusCode(error);
    if (code === 403) {
      throw new KubernetesPermissionError({
        verb,
        resource,
        message: `The cluster at ${server} does not allow this kubeconfig's user to ${verb} ${resource}: ${kubernetesErrorMessage(error)}`,
        hint: 'Installing the controller creates CRDs and cluster roles; run it as a cluster admin (or with a context that is one).',
        cause: error,
      });
    }
    if (code === undefined) {
      throw new BackendUnavailableError({
        backendName: 'kubernetes',
        message: `Cannot reach the Kubernetes API server at ${server}: ${kubernetesErrorMessage(error)}`,
        hint: 'Check that the cluster is running (kubectl cluster-info), or give another --kubeconfig.',
        isRetryable: true,
        cause: error,
      });
    }
    throw error;
  }
}

function describe(manifest: KubernetesObject): string {
  const metadata = manifest.metadata ?? {};
  return `${manifest.kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`;
}

function resourceOf(manifest: KubernetesObject): string {
  const group = manifest.apiVersion?.includes('/') ? manifest.apiVersion.split('/')[0] : '';
  const plural = `${manifest.kind?.toLowerCase()}s`.replace(/ys$/, 'ies');
  return group ? `${plural}.${group}` : plural;
}
