import {
  type BackendContextV1,
  BackendUnavailableError,
  type BackendV1,
  InvalidArgumentError,
} from '@icl/core';
import { createKubernetesBackend, type KubernetesBackendSettings } from '@icl/plugin-kubernetes';
import { kindClusterProvider, kindClusterType } from './kind-cluster-provider';
import { KindCommandError, runKind } from './kind-command';

/** Settings of a kind infrastructure: which cluster, plus any setting of the Kubernetes runner. */
export type KindBackendSettings = KubernetesBackendSettings & {
  /** The kind cluster to run on; `--on kind:<cluster>` sets it as `target`. Default `kind`, as kind's own. */
  cluster?: string;
  /** The same as `cluster`, as `--on kind:<cluster>` passes it. */
  target?: string;
  /** The kind executable; `kind` on the PATH (or `ICL_KIND_COMMAND`) by default. */
  kindCommand?: string;
};

/**
 * The `kind` backend: programs run on a kind cluster through the Kubernetes runner, with the cluster's
 * kubeconfig from `kind get kubeconfig` (kept in memory) and images built for a runtime loaded into the
 * nodes with `kind load docker-image`. It also provides the `kind:Cluster` resource type to the
 * plan/apply engine, so one plugin both makes clusters and runs on them.
 *
 * @throws BackendUnavailableError when the cluster does not exist, naming it and how to create it.
 */
export async function createKindBackend(
  settings: KindBackendSettings = {},
  context?: BackendContextV1,
): Promise<BackendV1> {
  const { cluster: clusterSetting, target, kindCommand, ...runnerSettings } = settings;
  const cluster = target || clusterSetting || 'kind';
  if (typeof cluster !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(cluster)) {
    throw new InvalidArgumentError({
      argument: 'cluster',
      message: `"${String(cluster)}" is not a kind cluster name.`,
      hint: 'Use the name given to `kind create cluster --name`, for example `--on kind:lab`.',
    });
  }
  const command = { ...(kindCommand ? { command: kindCommand } : {}) };
  let kubeconfig: string;
  try {
    kubeconfig = await runKind(['get', 'kubeconfig', '--name', cluster], command);
  } catch (error) {
    if (!KindCommandError.isInstance(error)) throw error;
    const existing = await runKind(['get', 'clusters'], command).catch(() => '');
    throw new BackendUnavailableError({
      backendName: 'kind',
      message: `There is no kind cluster named "${cluster}"${existing.trim() ? ` (there are: ${existing.trim().split('\n').join(', ')})` : ''}.`,
      hint: `Create it with \`icl apply\` of a kind:Cluster resource named ${cluster}, or \`kind create cluster --name ${cluster}\`.`,
      cause: error,
    });
  }
  const kind = kindCommand ?? process.env.ICL_KIND_COMMAND ?? 'kind';
  const runner = createKubernetesBackend(
    { imageLoad: [kind, 'load', 'docker-image', '{image}', '--name', cluster], ...runnerSettings },
    context,
    { name: 'kind', kubeconfig },
  );
  return {
    specificationVersion: runner.specificationVersion,
    name: 'kind',
    capabilities: runner.capabilities,
    inventory: () => runner.inventory(),
    startRun: (request, options) => runner.startRun(request, options),
    getRunState: (handle) => runner.getRunState(handle),
    readLogs: (handle, options) => runner.readLogs(handle, options),
    waitForRun: (handle, options) => runner.waitForRun(handle, options),
    cancelRun: (handle) => runner.cancelRun(handle),
    resourceProviders: { [kindClusterType]: kindClusterProvider(command) },
    close: async () => runner.close?.(),
  };
}
