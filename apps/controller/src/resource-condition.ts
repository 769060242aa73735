/**
 * A condition in a resource's `status.conditions`, shaped as Kubernetes' `metav1.Condition` so `kubectl
 * describe` and `kubectl wait --for=condition=…` understand it.
 */
export interface ResourceCondition {
  /** `Valid` (the spec can be used), `Allocated` (a Server got an allocation), `Scaled` (its Deployment follows it), `Optimized` (an Optimizer's last run). */
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** One CamelCase word a program can switch on (`InvalidSpec`, `InsufficientCapacity`). */
  reason: string;
  /** The sentence a person reads. */
  message: string;
  /** When `status` last changed, RFC 3339. */
  lastTransitionTime: string;
}

/** A condition as decided, before it is dated. */
export type ConditionUpdate = Omit<ResourceCondition, 'lastTransitionTime'>;

/**
 * The conditions after applying updates: other types are kept, an updated type keeps its transition time
 * unless its status changes, so rewriting the same verdict changes nothing.
 */
export function applyConditions(
  existing: unknown,
  updates: readonly ConditionUpdate[],
  now: Date = new Date(),
): ResourceCondition[] {
  const current = Array.isArray(existing) ? (existing as ResourceCondition[]) : [];
  const result = current.filter((condition) => !updates.some((update) => update.type === condition.type));
  for (const update of updates) {
    const previous = current.find((condition) => condition.type === update.type);
    const lastTransitionTime =
      previous && previous.status === update.status && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    result.push({ ...update, lastTransitionTime });
  }
  return result.sort((left, right) => left.type.localeCompare(right.type));
}

/** Whether a condition of this type already says exactly this (status, reason, message). */
export function conditionHolds(existing: unknown, update: ConditionUpdate): boolean {
  const current = Array.isArray(existing) ? (existing as ResourceCondition[]) : [];
  const found = current.find((condition) => condition.type === update.type);
  return (
    found !== undefined &&
    found.status === update.status &&
    found.reason === update.reason &&
    found.message === update.message
  );
}
