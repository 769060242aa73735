import { isNotFound } from './kubernetes-api-error';
import type { KubernetesConnection } from './kubernetes-connection';
import type { RunObjects } from './run-observer';

/**
 * Deletes a run's objects, each of which may already be gone: the workload (only it, with `only:
 * 'workload'`, which stops the program), its ConfigMap, Secret and Service. `Foreground` deletes the
 * workload once its pods are gone; `Background` returns at once and lets the cluster collect them.
 */
export async function deleteRunObjects(
  connection: KubernetesConnection,
  run: RunObjects,
  options: { propagationPolicy: 'Foreground' | 'Background'; only?: 'workload' },
): Promise<void> {
  const { namespace, name } = run;
  const { propagationPolicy } = options;
  const deletions: Promise<unknown>[] = [
    run.workload === 'job'
      ? connection.call({ verb: 'delete', resource: 'jobs.batch' }, (client) =>
          client.batch.deleteNamespacedJob({ name, namespace, propagationPolicy }),
        )
      : connection.call({ verb: 'delete', resource: 'deployments.apps' }, (client) =>
          client.apps.deleteNamespacedDeployment({ name, namespace, propagationPolicy }),
        ),
  ];
  if (options.only !== 'workload') {
    deletions.push(
      connection.call({ verb: 'delete', resource: 'configmaps' }, (client) =>
        client.core.deleteNamespacedConfigMap({ name, namespace }),
      ),
      connection.call({ verb: 'delete', resource: 'secrets' }, (client) =>
        client.core.deleteNamespacedSecret({ name, namespace }),
      ),
    );
    if (run.workload === 'service')
      deletions.push(
        connection.call({ verb: 'delete', resource: 'services' }, (client) =>
          client.core.deleteNamespacedService({ name, namespace }),
        ),
      );
  }
  const results = await Promise.allSettled(
    deletions.map((deletion) =>
      deletion.catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      }),
    ),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
