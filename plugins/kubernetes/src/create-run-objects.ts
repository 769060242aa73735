import type { V1Deployment, V1Job, V1OwnerReference } from '@kubernetes/client-node';
import type { KubernetesClient, KubernetesConnection } from './kubernetes-connection';
import type { RunManifests } from './run-manifests';

/**
 * Creates a run's objects: its files (ConfigMap) and environment (Secret) first, then the workload that
 * uses them, then the Service; the workload then owns the others, so deleting it (with kubectl too)
 * deletes them.
 */
export async function createRunObjects(
  connection: KubernetesConnection,
  client: KubernetesClient,
  manifests: RunManifests,
): Promise<void> {
  const namespace = client.namespace;
  await Promise.all([
    manifests.configMap &&
      connection.call({ verb: 'create', resource: 'configmaps' }, () =>
        client.core.createNamespacedConfigMap({ namespace, body: manifests.configMap! }),
      ),
    manifests.secret &&
      connection.call({ verb: 'create', resource: 'secrets' }, () =>
        client.core.createNamespacedSecret({ namespace, body: manifests.secret! }),
      ),
  ]);
  const workload = manifests.workload;
  const created =
    workload.kind === 'Job'
      ? await connection.call({ verb: 'create', resource: 'jobs.batch' }, () =>
          client.batch.createNamespacedJob({ namespace, body: workload as V1Job }),
        )
      : await connection.call({ verb: 'create', resource: 'deployments.apps' }, () =>
          client.apps.createNamespacedDeployment({ namespace, body: workload as V1Deployment }),
        );
  const owner: V1OwnerReference = {
    apiVersion: workload.apiVersion!,
    kind: workload.kind!,
    name: created.metadata!.name!,
    uid: created.metadata!.uid!,
  };
  const name = created.metadata!.name!;
  const ownedBy = { metadata: { ownerReferences: [owner] } };
  const patchOptions = client.library.setHeaderOptions(
    'Content-Type',
    client.library.PatchStrategy.MergePatch,
  );
  await Promise.all([
    manifests.configMap &&
      connection.call({ verb: 'patch', resource: 'configmaps' }, () =>
        client.core.patchNamespacedConfigMap({ name, namespace, body: ownedBy }, patchOptions),
      ),
    manifests.secret &&
      connection.call({ verb: 'patch', resource: 'secrets' }, () =>
        client.core.patchNamespacedSecret({ name, namespace, body: ownedBy }, patchOptions),
      ),
    manifests.service &&
      connection.call({ verb: 'create', resource: 'services' }, () =>
        client.core.createNamespacedService({
          namespace,
          body: {
            ...manifests.service!,
            metadata: { ...manifests.service!.metadata, ownerReferences: [owner] },
          },
        }),
      ),
  ]);
}
