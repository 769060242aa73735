import type { JsonObject, JsonValue, ResourceProviderV1 } from '@icl/core';
import { closestName } from '@icl/core';
import type { OutputReference } from '../declaration/output';
import type { StackProblem } from '../errors/stack-validation-error';
import { StackValidationError } from '../errors/stack-validation-error';
import type { ResourceState } from '../state/resource-state';
import type { StackState } from '../state/stack-state';
import type { ValidatedResource, ValidatedStack } from '../validation/validated-stack';
import type { DetailedPlan, PlannedDeletion, PlannedResource } from './detailed-plan';
import { diffProperties } from './diff-properties';
import { diffResource, type ResourceDiff } from './diff-resource';
import type { Plan, PlanSummary, PropertyChange, ResourceChange, ResourceDrift } from './plan';
import { type ResolvedInputs, type ResolvedReference, resolveInputs } from './resolve-inputs';
import { secretInputsOf } from './secret-properties';

const noSecrets: ReadonlySet<string> = new Set();

/** Options of {@link createPlan}. */
export interface CreatePlanOptions {
  /** Limit the plan to these resources and what they depend on (deletions: these names only). */
  targets?: readonly string[];
  /** What a refresh found, to show with the plan. */
  drift?: readonly ResourceDrift[];
  /** The provider of a recorded type that the stack no longer declares. */
  providerFor: (type: string) => ResourceProviderV1 | undefined;
}

/**
 * Compares a validated stack with a stack's recorded state and decides, resource by resource, what an
 * apply must do: create what is not recorded, update or replace what differs, delete what is no longer
 * declared (and replaced resources still waiting for deletion), leave the rest. Each resource's check
 * runs where its inputs are known; every failure is raised together before anything changes.
 *
 * Values that come from resources about to change are not known yet: the properties using them are
 * shown as known after apply, and the apply compares again once they are known.
 */
export async function createPlan(
  stack: ValidatedStack,
  state: StackState,
  options: CreatePlanOptions,
): Promise<DetailedPlan> {
  const problems: StackProblem[] = [];
  const inScope = scopeOf(stack, state, options.targets, problems);
  const planned = new Map<string, PlannedResource>();

  const lookup = (reference: OutputReference): ResolvedReference => {
    const step = planned.get(reference.resource);
    const action = step?.change.action;
    if (action === 'create' || action === 'replace') return { known: false };
    if (
      action === 'update' &&
      step?.change.properties.some((change) => change.path.split('.')[0] === reference.output)
    )
      return { known: false };
    return recordedOutput(state.resources.get(reference.resource), reference, step?.resource.provider);
  };

  for (const resource of stack.resources) {
    const { declaration, provider } = resource;
    if (!inScope.has(declaration.name)) continue;
    let inputs: ResolvedInputs = resource.hasReferences
      ? resolveInputs(declaration.inputs, lookup)
      : { values: declaration.inputs as JsonObject, hasUnknowns: false, secret: noSecrets, problems: [] };
    const recorded = state.resources.get(declaration.name);
    for (const problem of inputs.problems)
      problems.push({ resource: declaration.name, field: 'inputs', message: problem });
    if (provider.check && !inputs.hasUnknowns) {
      const checked = await provider.check(
        inputs.values,
        recorded?.type === declaration.type ? recorded.inputs : undefined,
      );
      for (const failure of checked.failures)
        problems.push({
          resource: declaration.name,
          field: `inputs.${failure.property}`,
          message: failure.reason,
          ...locate(resource, failure.property),
        });
      inputs = { ...inputs, values: checked.inputs };
    }
    const secretInputs = secretInputsOf(provider, inputs);
    const planning = planResource(resource, recorded, inputs, secretInputs, options);
    const step = planning instanceof Promise ? await planning : planning;
    if (recorded && recorded.type !== declaration.type && !step.recordedProvider)
      problems.push({
        resource: declaration.name,
        field: 'type',
        message: `is recorded with type ${recorded.type}, whose provider is not known, so the old one cannot be deleted to replace it`,
        ...locate(resource, ''),
      });
    planned.set(declaration.name, step);
  }

  const deletions: PlannedDeletion[] = [];
  const deletionOf = (recorded: ResourceState, reason: string) => {
    const provider = stack.providers.get(recorded.type) ?? options.providerFor(recorded.type);
    if (!provider) {
      problems.push({
        resource: recorded.name,
        message: `is recorded with type ${recorded.type} and must be deleted (${reason}), but no provider for ${recorded.type} is known: declare it in the stack again, or add the plugin that provides the type`,
      });
      return;
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
        reason,
        properties: [],
        dependencies: [...recorded.dependencies],
      },
    });
  };
  const targets = options.targets && new Set(options.targets);
  for (const recorded of [...state.resources.values()].reverse())
    if (!stack.byName.has(recorded.name) && (!targets || targets.has(recorded.name)))
      deletionOf(recorded, 'no longer declared');
  for (const recorded of state.obsolete)
    if (!targets || inScope.has(recorded.name) || targets.has(recorded.name))
      deletionOf(recorded, 'replaced earlier; the old one still exists');

  if (problems.length > 0) throw new StackValidationError(stack.name, problems);

  const resources = [...planned.values()];
  const changes: ResourceChange[] = [
    ...resources.map((step) => step.change),
    ...deletions.map((deletion) => deletion.change),
  ];
  const summary: PlanSummary = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 };
  for (const change of changes) {
    if (change.action === 'no-op') summary.unchanged += 1;
    else summary[change.action] += 1;
  }
  const plan: Plan = {
    stack: stack.name,
    changes,
    drift: [...(options.drift ?? [])],
    summary,
    interrupted: [...state.pending.values()].map((operation) => ({
      name: operation.name,
      operation: operation.operation,
      startedAt: operation.startedAt,
    })),
  };
  return { plan, resources, deletions };
}

function planResource(
  resource: ValidatedResource,
  recorded: ResourceState | undefined,
  inputs: ResolvedInputs,
  secretInputs: ReadonlySet<string>,
  options: CreatePlanOptions,
): PlannedResource | Promise<PlannedResource> {
  const { declaration, provider, urn } = resource;
  const typeDefault = provider.deleteBeforeReplace ?? false;
  const change = (
    action: ResourceChange['action'],
    properties: PropertyChange[],
    extra: Partial<ResourceChange> = {},
  ): ResourceChange => {
    const result: ResourceChange = {
      name: declaration.name,
      type: declaration.type,
      urn,
      action,
      properties,
      dependencies: resource.dependencies as string[],
    };
    if (recorded) result.id = recorded.id;
    return extra === noExtra ? result : Object.assign(result, extra);
  };
  const planned = (
    planChange: ResourceChange,
    deleteBeforeReplace: boolean,
    recordedProvider: ResourceProviderV1 | undefined,
  ): PlannedResource => ({
    change: withNotices(planChange, provider, inputs),
    resource,
    recorded,
    inputs,
    secretInputs,
    deleteBeforeReplace,
    recordedProvider,
  });
  const createdProperties = () =>
    diffProperties(
      Object.keys(inputs.values),
      () => undefined,
      (name) => inputs.values[name],
      (name) => ({ secret: secretInputs.has(name), replaces: false }),
    );

  if (!recorded) return planned(change('create', createdProperties(), noExtra), typeDefault, undefined);

  if (recorded.type !== declaration.type)
    return planned(
      change('replace', createdProperties(), {
        replaceOrder: typeDefault ? 'delete-before-create' : 'create-before-delete',
        reason: `type changed from ${recorded.type}`,
      }),
      typeDefault,
      options.providerFor(recorded.type),
    );

  const fromDiff = (diff: ResourceDiff) =>
    planned(
      change(
        diff.action,
        diff.properties,
        diff.action === 'replace'
          ? { replaceOrder: diff.deleteBeforeReplace ? 'delete-before-create' : 'create-before-delete' }
          : noExtra,
      ),
      diff.deleteBeforeReplace,
      provider,
    );
  const diff = diffResource(provider, recorded, inputs, secretInputs);
  return diff instanceof Promise ? diff.then(fromDiff) : fromDiff(diff);
}

const noExtra: Partial<ResourceChange> = {};

/** The value of a recorded output, for references to resources that are not changing. */
export function recordedOutput(
  recorded: ResourceState | undefined,
  reference: OutputReference,
  provider: ResourceProviderV1 | undefined,
): ResolvedReference {
  if (!recorded) return { known: false };
  const value: JsonValue | undefined = recorded.outputs[reference.output];
  if (value === undefined)
    return {
      missing: `"${reference.resource}" has no output "${reference.output}" (its outputs: ${Object.keys(recorded.outputs).join(', ') || 'none'})`,
    };
  const secret =
    recorded.secretOutputs?.includes(reference.output) === true ||
    provider?.secretOutputs?.includes(reference.output) === true ||
    provider?.outputProperties?.[reference.output]?.secret === true;
  return { known: true, value, secret };
}

/** The declared resources a plan covers: all of them, or the targets and what they depend on. */
function scopeOf(
  stack: ValidatedStack,
  state: StackState,
  targets: readonly string[] | undefined,
  problems: StackProblem[],
): Set<string> {
  if (!targets) return new Set(stack.byName.keys());
  const scope = new Set<string>();
  const pending: string[] = [];
  for (const target of targets) {
    if (stack.byName.has(target)) pending.push(target);
    else if (!state.has(target)) {
      const suggestion = closestName(target, [...stack.byName.keys(), ...state.resources.keys()]);
      problems.push({
        field: '--target',
        message: `"${target}" is neither declared nor recorded in this stack${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      });
    }
  }
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (scope.has(name)) continue;
    scope.add(name);
    pending.push(...(stack.byName.get(name)?.dependencies ?? []));
  }
  return scope;
}

function locate(resource: ValidatedResource, property: string) {
  const path = [
    'inputs',
    ...property
      .split(/[.[\]]/)
      .filter(Boolean)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
  ];
  const location = resource.declaration.locate?.(path) ?? resource.declaration.locate?.(['inputs']);
  return location ? { location } : {};
}

/** A change to be made, with what its type points out about the inputs (see `notices`). */
function withNotices(
  change: ResourceChange,
  provider: ResourceProviderV1,
  inputs: ResolvedInputs,
): ResourceChange {
  if (!provider.notices || change.action === 'no-op' || change.action === 'delete') return change;
  const notices = provider.notices(inputs.values);
  return notices.length > 0 ? { ...change, notices: [...notices] } : change;
}
