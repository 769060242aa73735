import type { V1Pod } from '@kubernetes/client-node';

/** Whether a pod passes its readiness probe and is not being deleted, so connections may go to it. */
export function isPodReady(pod: V1Pod | undefined): boolean {
  if (!pod || pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
}
