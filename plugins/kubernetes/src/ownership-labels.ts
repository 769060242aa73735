import type { RunRequestV1 } from '@icl/core';

/** Labels that mark what ICL created, so leftovers can be found (`kubectl get jobs,pods -l icl.dev/managed`). */
export const iclLabels = {
  managed: 'icl.dev/managed',
  runId: 'icl.dev/run-id',
  runtimeHash: 'icl.dev/runtime-hash',
} as const;

/**
 * The labels of every object of a run: the request's own (run id, infrastructure, test suite) and ICL's
 * ownership labels. Values are reduced to what label values allow (`kind:dev` becomes `kind_dev`);
 * keys that are not valid label keys are dropped rather than failing the run.
 */
export function ownershipLabels(request: RunRequestV1): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.labels)) {
    if (labelKeyPattern.test(key)) labels[key] = labelValue(value);
  }
  labels[iclLabels.managed] = 'true';
  labels[iclLabels.runId] = labelValue(request.runId);
  labels[iclLabels.runtimeHash] = labelValue(request.runtimeHash);
  return labels;
}

/** The label selector that finds every object (and pod) of one run. */
export function runSelector(runId: string): string {
  return `${iclLabels.runId}=${labelValue(runId)}`;
}

const labelKeyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A string as a label value: at most 63 characters of letters, digits, `-`, `_` and `.`, alphanumeric at both ends. */
function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
