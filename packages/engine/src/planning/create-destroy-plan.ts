import type { ResourceProviderV1 } from '@icl/core';
import { type StackProblem, StackValidationError } from '../errors/stack-validation-error';
import type { ResourceState } from '../state/resource-state';
import type { StackState } from '../state/stack-state';
import type { DetailedPlan, PlannedDeletion } from './detailed-plan';
import type { PlanSummary } from './plan';

/**
 * The plan of a destroy: every recorded resource (or the targets and everything that depends on them)
 * is deleted, dependents before what they depend on. Needs only the state and the providers of the
 * recorded types, not the stack's declaration.
 */
export function createDestroyPlan(
  state: StackState,
  providerFor: (type: string) => ResourceProviderV1 | undefined,
  targets?: readonly string[],
): DetailedPlan {
  const records = state.allResources();
  const problems: StackProblem[] = [];
  let scope: Set<string> | undefined;
  if (targets) {
    scope = new Set();
    const dependents = new Map<string, string[]>();
    for (const record of records)
      for (const dependency of record.dependencies) {
        const list = dependents.get(dependency);
        if (list) list.push(record.name);
        else dependents.set(dependency, [record.name]);
      }
    const pending = [...targets];
    for (const target of targets)
      if (!records.some((record) => record.name === target))
        problems.push({ field: '--target', message: `"${target}" is not recorded in this stack` });
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (scope.has(name)) continue;
      scope.add(name);
      pending.push(...(dependents.get(name) ?? []));
    }
  }
  const deletions: PlannedDeletion[] = [];
  const reverse = (resources: ResourceState[]) => [...resources].reverse();
  for (const recorded of [...reverse([...state.resources.values()]), ...state.obsolete]) {
    if (scope && !scope.has(recorded.name)) continue;
    const provider = providerFor(recorded.type);
    if (!provider) {
      problems.push({
        resource: recorded.name,
        message: `is recorded with type ${recorded.type}, and no provider for ${recorded.type} is known: pass the stack file that declares it, or add the plugin that provides it`,
      });
      continue;
    }
    deletions.push({
      recorded,
      provider,
      change: {
        name: recorded.name,
        type: recorded.type,
        urn: recorded.urn,
        action: 'delete',
        id: recorded.id,
        properties: [],
        dependencies: [...recorded.dependencies],
      },
    });
  }
  if (problems.length > 0) throw new StackValidationError(state.name, problems);
  const summary: PlanSummary = { create: 0, update: 0, replace: 0, delete: deletions.length, unchanged: 0 };
  return {
    plan: {
      stack: state.name,
      changes: deletions.map((deletion) => deletion.change),
      drift: [],
      summary,
      interrupted: [],
    },
    resources: [],
    deletions,
  };
}
