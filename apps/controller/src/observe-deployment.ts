import type { CoreV1Api, V1Deployment, V1LabelSelector, V1Node } from '@kubernetes/client-node';
import { gpuProductLabel } from './gpu-product';

/** What a Deployment runs now: ready replicas on nodes of one GPU model. */
export interface ObservedAllocation {
  /** The `nvidia.com/gpu.product` of the nodes most ready pods run on. */
  product: string;
  /** Ready pods on nodes of that product. */
  replicas: number;
}

/**
 * Reads what a Deployment really runs once its rollout has finished (every replica updated and ready,
 * no old pods left): its ready pods, the nodes they are bound to, and those nodes' GPU model. Undefined
 * while the rollout is under way or when no ready pod is on a GPU node, so nothing half-done is recorded.
 */
export async function observeDeployment(
  core: CoreV1Api,
  deployment: V1Deployment,
  nodes: (name: string) => Promise<V1Node | undefined>,
): Promise<ObservedAllocation | undefined> {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const rolledOut =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status.updatedReplicas ?? 0) === wanted &&
    (status.readyReplicas ?? 0) === wanted &&
    (status.replicas ?? 0) === wanted;
  if (!rolledOut || wanted === 0 || !deployment.spec?.selector) return undefined;
  const pods = await core.listNamespacedPod({
    namespace: deployment.metadata?.namespace ?? 'default',
    labelSelector: labelSelectorText(deployment.spec.selector),
  });
  const counts = new Map<string, number>();
  for (const pod of pods.items) {
    if (pod.metadata?.deletionTimestamp || !pod.spec?.nodeName) continue;
    const ready = pod.status?.conditions?.some(
      (condition) => condition.type === 'Ready' && condition.status === 'True',
    );
    if (!ready) continue;
    const product = (await nodes(pod.spec.nodeName))?.metadata?.labels?.[gpuProductLabel];
    if (product) counts.set(product, (counts.get(product) ?? 0) + 1);
  }
  const [best] = [...counts].sort(
    ([leftName, left], [rightName, right]) => right - left || leftName.localeCompare(rightName),
  );
  return best ? { product: best[0], replicas: best[1] } : undefined;
}

/** A label selector as the `labelSelector` query parameter writes it. */
export function labelSelectorText(selector: V1LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    if (expression.operator === 'In') parts.push(`${expression.key} in (${values})`);
    else if (expression.operator === 'NotIn') parts.push(`${expression.key} notin (${values})`);
    else if (expression.operator === 'Exists') parts.push(expression.key);
    else if (expression.operator === 'DoesNotExist') parts.push(`!${expression.key}`);
  }
  return parts.join(',');
}
