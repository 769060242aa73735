import { createHash } from 'node:crypto';

/** Kubernetes names of objects that pods refer to must fit in a DNS label; Jobs leave room for pod suffixes. */
const maximumLength = 52;

/**
 * The name of a run's Job, Deployment, Service, ConfigMap and Secret: `icl-<run id>`, lower-cased and
 * reduced to what Kubernetes names allow, so any process finds a run's objects from its id alone. Ids
 * that do not fit get a short hash of the original, so two ids never share a name.
 */
export function runObjectName(runId: string): string {
  const cleaned = `icl-${runId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.replace(/-+$/, '');
  if (cleaned.length <= maximumLength && cleaned === `icl-${runId}`) return cleaned;
  const digest = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, maximumLength - 9).replace(/-+$/, '')}-${digest}`;
}
