import { isNotFound } from '@icl/plugin-kubernetes';
import type { AppsV1Api, V1Deployment } from '@kubernetes/client-node';
import { gpuProductLabel, gpuResource } from './gpu-product';
import { sameJson } from './resource-writer';
import { retryOnConflict } from './retry-on-conflict';

/** The label the controller puts on each Deployment it scales, naming the Server (its metadata name). */
export const serverLabel = 'icl.dev/inferno-server';

/** A Server annotation that turns scaling its Deployment on (`"true"`) or off (`"false"`). */
export const scaleDeploymentAnnotation = 'icl.dev/scale-deployment';

/** A Server annotation naming the Deployment that serves it; default the Server's own name. */
export const deploymentAnnotation = 'icl.dev/deployment';

/** A Server annotation naming the container that gets the GPUs; default the first one. */
export const containerAnnotation = 'icl.dev/container';

/** What a Deployment should run. */
export interface DeploymentTarget {
  namespace: string;
  name: string;
  /** The Server's metadata name, written as {@link serverLabel}. */
  server: string;
  replicas: number;
  /** The `nvidia.com/gpu.product` value the pods must run on. */
  product: string;
  /** GPUs each replica needs (the model's `accCount` times the accelerator's multiplicity). */
  gpusPerReplica: number;
  container?: string | undefined;
}

/** Whether the Deployment was changed, or why it could not be. */
export type ScalingOutcome = { changed: boolean } | { problem: string; reason: string };

/**
 * Makes a Deployment run a decided allocation: its replicas, a node selector on the GPU model, the GPU
 * limit of its container, and the toleration of the `nvidia.com/gpu` taint GPU nodes carry. Only those
 * fields are touched (other node selectors, tolerations and resources stay), a Deployment that already
 * matches is not written, and a concurrent change (409) is retried on a fresh read.
 */
export async function scaleDeployment(
  apps: AppsV1Api,
  target: DeploymentTarget,
  options: { fieldManager: string; assertLeader: () => void },
): Promise<ScalingOutcome> {
  return retryOnConflict(async () => {
    let deployment: V1Deployment;
    try {
      deployment = await apps.readNamespacedDeployment({ name: target.name, namespace: target.namespace });
    } catch (error) {
      if (isNotFound(error)) {
        return {
          reason: 'DeploymentNotFound',
          problem: `Deployment ${target.namespace}/${target.name} does not exist; name the Deployment serving this Server with the ${deploymentAnnotation} annotation.`,
        };
      }
      throw error;
    }
    const wanted = structuredClone(deployment);
    const containers = wanted.spec?.template.spec?.containers ?? [];
    const container = target.container
      ? containers.find((candidate) => candidate.name === target.container)
      : containers[0];
    if (!wanted.spec || !wanted.spec.template.spec || !container) {
      return {
        reason: 'ContainerNotFound',
        problem: `Deployment ${target.namespace}/${target.name} has no container${target.container ? ` named "${target.container}"` : ''}.`,
      };
    }
    wanted.metadata = {
      ...wanted.metadata,
      labels: { ...wanted.metadata?.labels, [serverLabel]: target.server },
    };
    wanted.spec.replicas = target.replicas;
    const podSpec = wanted.spec.template.spec;
    podSpec.nodeSelector = { ...podSpec.nodeSelector, [gpuProductLabel]: target.product };
    const tolerations = podSpec.tolerations ?? [];
    if (
      !tolerations.some(
        (toleration) =>
          toleration.key === gpuResource && (toleration.operator === 'Exists' || !toleration.operator),
      )
    ) {
      podSpec.tolerations = [...tolerations, { key: gpuResource, operator: 'Exists', effect: 'NoSchedule' }];
    }
    const gpus = String(target.gpusPerReplica);
    container.resources = {
      ...container.resources,
      limits: { ...container.resources?.limits, [gpuResource]: gpus },
      ...(container.resources?.requests?.[gpuResource] !== undefined
        ? { requests: { ...container.resources.requests, [gpuResource]: gpus } }
        : {}),
    };
    if (sameJson(wanted, deployment)) return { changed: false };
    options.assertLeader();
    await apps.replaceNamespacedDeployment({
      name: target.name,
      namespace: target.namespace,
      body: wanted,
      fieldManager: options.fieldManager,
    });
    return { changed: true };
  });
}
