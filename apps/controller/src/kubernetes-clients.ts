import { BackendUnavailableError } from '@icl/core';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';

/** The API clients the controller uses, sharing one kubeconfig. */
export interface KubernetesClients {
  kubeConfig: KubeConfig;
  customObjects: CustomObjectsApi;
  core: CoreV1Api;
  apps: AppsV1Api;
  coordination: CoordinationV1Api;
  /** The kubeconfig context's namespace, or `default`. */
  defaultNamespace: string;
}

/** Where the cluster is: a kubeconfig file and context, or the standard chain (KUBECONFIG, ~/.kube/config, in-cluster). */
export interface ClusterConnectionOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

/**
 * Loads the kubeconfig and makes the clients.
 *
 * @throws BackendUnavailableError when no kubeconfig names a cluster.
 */
export function createKubernetesClients(options: ClusterConnectionOptions = {}): KubernetesClients {
  const kubeConfig = new KubeConfig();
  try {
    if (options.kubeconfig) kubeConfig.loadFromFile(options.kubeconfig);
    else kubeConfig.loadFromDefault();
    if (options.context) kubeConfig.setCurrentContext(options.context);
  } catch (error) {
    throw new BackendUnavailableError({
      backendName: 'kubernetes',
      message: `Cannot read the kubeconfig${options.kubeconfig ? ` ${options.kubeconfig}` : ''}: ${(error as Error).message}`,
      hint: 'Give --kubeconfig <file> (and --context), or set KUBECONFIG.',
      cause: error,
    });
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new BackendUnavailableError({
      backendName: 'kubernetes',
      message: `The kubeconfig${options.kubeconfig ? ` ${options.kubeconfig}` : ''} names no cluster${options.context ? ` for context "${options.context}"` : ''}.`,
      hint: 'Give --kubeconfig <file> (and --context), or set KUBECONFIG.',
    });
  }
  const contextName = kubeConfig.getCurrentContext();
  const context = kubeConfig.getContextObject(contextName);
  return {
    kubeConfig,
    customObjects: kubeConfig.makeApiClient(CustomObjectsApi),
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    defaultNamespace: context?.namespace || 'default',
  };
}
