import type { JsonObject, ResourceOperationContextV1, ResourceProviderV1 } from '@icl/core';
import type { EngineEvent } from '../engine-event';
import { ApplyFailedError, type ResourceFailure } from '../errors/apply-failed-error';
import { ApplyInterruptedError } from '../errors/apply-interrupted-error';
import { ResourceOperationError } from '../errors/resource-operation-error';
import { recordedOutput } from '../planning/create-plan';
import type { DetailedPlan, PlannedResource } from '../planning/detailed-plan';
import { diffResource } from '../planning/diff-resource';
import { type ResolvedInputs, resolveInputs } from '../planning/resolve-inputs';
import { secretInputsOf, secretOutputsOf } from '../planning/secret-properties';
import type { ResourceState } from '../state/resource-state';
import type { StateSession } from '../state/state-store';
import { errorMessage } from './error-message';
import { OperationGraph } from './operation-graph';
import { SecretValues } from './secret-values';

/** Options of {@link executePlan}. */
export interface ExecutePlanOptions {
  /** The locked stack's state. */
  session: StateSession;
  /** At most this many provider operations at once. */
  concurrency: number;
  /** Stops starting operations; those in flight finish and are recorded. */
  signal?: AbortSignal;
  /** Progress. */
  emit: (event: EngineEvent) => void;
}

/** What an apply did. */
export interface ExecutionSummary {
  created: number;
  updated: number;
  replaced: number;
  deleted: number;
}

type Action = 'create' | 'update' | 'replace' | 'delete';

/**
 * Carries out a plan as a dependency graph: a resource is created or updated once everything it
 * references exists (with their real outputs as its inputs), a replaced resource's old copy is deleted
 * once its dependents point at the new one, and deleted resources go after whatever depended on them.
 * Every operation is announced in the state before its provider is called and recorded when it ends.
 *
 * @throws ApplyFailedError when operations failed (after everything else that could be done is done)
 * @throws ApplyInterruptedError when the signal stopped it
 */
export async function executePlan(
  detailed: DetailedPlan,
  options: ExecutePlanOptions,
): Promise<ExecutionSummary> {
  const { session } = options;
  const { state } = session;
  // Known secret values never reach the user through a message, whoever printed them.
  const secrets = SecretValues.of(state.allResources());
  const emit = (event: EngineEvent) =>
    options.emit(
      event.type === 'resource-progress' || event.type === 'resource-failed'
        ? { ...event, message: secrets.redact(event.message) }
        : event,
    );
  const summary: ExecutionSummary = { created: 0, updated: 0, replaced: 0, deleted: 0 };
  const changed = new Set<string>();
  const graph = new OperationGraph();
  const described = new Map<string, { resource: string; action: Action }>();
  const providerByName = new Map(
    detailed.resources.map((step) => [step.resource.declaration.name, step.resource.provider]),
  );

  const context = (urn: string, name: string, recordedOutputs?: JsonObject): ResourceOperationContextV1 => ({
    urn,
    ...(options.signal && { signal: options.signal }),
    ...(recordedOutputs && { recordedOutputs }),
    onProgress: (message) => emit({ type: 'resource-progress', name, message }),
  });

  const create = async (step: PlannedResource, inputs: ResolvedInputs, secretInputs: ReadonlySet<string>) => {
    const { declaration, provider, urn, dependencies } = step.resource;
    const intent = state.nextIntent;
    const replacing = state.resources.has(declaration.name);
    await session.record({
      kind: 'intent',
      operation: {
        intent,
        operation: 'create',
        name: declaration.name,
        type: declaration.type,
        urn,
        inputs: inputs.values,
        ...(secretInputs.size > 0 && { secretInputs: [...secretInputs] }),
        dependencies,
        ...(replacing && { replacing }),
        startedAt: new Date().toISOString(),
      },
    });
    let result: { id: string; outputs: JsonObject };
    secrets.add(inputs.values, secretInputs);
    try {
      result = await provider.create(inputs.values, context(urn, declaration.name));
      if (typeof result?.id !== 'string' || result.id === '')
        throw new ResourceOperationError('provider-contract-violated', {
          message: `The ${declaration.type} provider's create returned no id.`,
          hint: 'This is a bug in the provider; report it to its authors.',
        });
    } catch (error) {
      await session.record({ kind: 'settled', intent });
      throw error;
    }
    const now = new Date().toISOString();
    const secretOutputs = secretOutputsOf(provider, result.outputs ?? {}, secretInputs);
    secrets.add(result.outputs ?? {}, secretOutputs);
    const durable = session.record({
      kind: 'created',
      intent,
      resource: {
        name: declaration.name,
        type: declaration.type,
        urn,
        id: result.id,
        inputs: inputs.values,
        outputs: result.outputs ?? {},
        dependencies,
        ...(secretInputs.size > 0 && { secretInputs: [...secretInputs] }),
        ...(secretOutputs.length > 0 && { secretOutputs }),
        createdAt: now,
        updatedAt: now,
      },
    });
    return { durable };
  };

  const update = async (
    step: PlannedResource,
    recorded: ResourceState,
    inputs: ResolvedInputs,
    secretInputs: ReadonlySet<string>,
  ) => {
    const { provider, dependencies } = step.resource;
    const intent = state.nextIntent;
    await session.record({
      kind: 'intent',
      operation: {
        intent,
        operation: 'update',
        name: recorded.name,
        type: recorded.type,
        urn: recorded.urn,
        id: recorded.id,
        inputs: inputs.values,
        ...(secretInputs.size > 0 && { secretInputs: [...secretInputs] }),
        startedAt: new Date().toISOString(),
      },
    });
    let outputs: JsonObject;
    secrets.add(inputs.values, secretInputs);
    try {
      if (!provider.update) throw new Error(`The ${recorded.type} provider cannot update in place.`);
      outputs = (
        await provider.update(
          recorded.id,
          recorded.outputs,
          inputs.values,
          context(recorded.urn, recorded.name),
        )
      ).outputs;
    } catch (error) {
      // An update applies all or nothing; what exists now is read back so the record stays true.
      try {
        const real = await provider.read?.(
          recorded.id,
          recorded.inputs,
          context(recorded.urn, recorded.name, recorded.outputs),
        );
        if (real === undefined && provider.read) {
          await session.record({ kind: 'deleted', intent, name: recorded.name, id: recorded.id });
        } else {
          if (real)
            await session.record({ kind: 'refreshed', resource: { ...recorded, outputs: real.outputs } });
          await session.record({ kind: 'settled', intent });
        }
      } catch {
        await session.record({ kind: 'settled', intent });
      }
      throw error;
    }
    const secretOutputs = secretOutputsOf(provider, outputs ?? {}, secretInputs);
    secrets.add(outputs ?? {}, secretOutputs);
    const durable = session.record({
      kind: 'updated',
      intent,
      resource: {
        ...recorded,
        inputs: inputs.values,
        outputs: outputs ?? {},
        dependencies,
        ...(secretInputs.size > 0 ? { secretInputs: [...secretInputs] } : { secretInputs: undefined }),
        ...(secretOutputs.length > 0 ? { secretOutputs } : { secretOutputs: undefined }),
        updatedAt: new Date().toISOString(),
      },
    });
    return { durable };
  };

  const remove = async (recorded: ResourceState, provider: ResourceProviderV1) => {
    const intent = state.nextIntent;
    await session.record({
      kind: 'intent',
      operation: {
        intent,
        operation: 'delete',
        name: recorded.name,
        type: recorded.type,
        urn: recorded.urn,
        id: recorded.id,
        startedAt: new Date().toISOString(),
      },
    });
    try {
      await provider.delete(recorded.id, recorded.outputs, context(recorded.urn, recorded.name));
    } catch (error) {
      await session.record({ kind: 'settled', intent });
      throw error;
    }
    return { durable: session.record({ kind: 'deleted', intent, name: recorded.name, id: recorded.id }) };
  };

  /**
   * Runs one resource operation with its events. `work` resolves once the provider is done, with the
   * promise of the final record being durable: the operation's slot is freed at once (dependents may
   * start: their own records come later in the same journal, so theirs being durable implies this one
   * is), and the apply ends only once every record is durable.
   */
  const durable: Array<Promise<void>> = [];
  let writeFailure: unknown;
  const reported = async (
    name: string,
    resourceType: string,
    action: Action,
    replaced: boolean,
    work: () => Promise<{ durable: Promise<void> } | undefined>,
  ) => {
    const startedAt = performance.now();
    emit({ type: 'resource-started', name, resourceType, action, ...(replaced && { replaced }) });
    let recorded: { durable: Promise<void> } | undefined;
    try {
      recorded = await work();
    } catch (error) {
      secrets.redactError(error);
      emit({
        type: 'resource-failed',
        name,
        resourceType,
        action,
        ...(replaced && { replaced }),
        durationMs: performance.now() - startedAt,
        message: errorMessage(error),
      });
      throw error;
    }
    emit({
      type: 'resource-finished',
      name,
      resourceType,
      action,
      ...(replaced && { replaced }),
      durationMs: performance.now() - startedAt,
    });
    if (recorded)
      durable.push(
        recorded.durable.catch((error: unknown) => {
          writeFailure ??= error;
        }),
      );
  };

  // Declared resources.
  for (const step of detailed.resources) {
    const { declaration, provider, dependencies } = step.resource;
    const name = declaration.name;
    const key = `apply:${name}`;
    described.set(key, {
      resource: name,
      action: step.change.action === 'no-op' ? 'update' : (step.change.action as Action),
    });
    const plannedUnchanged = step.change.action === 'no-op' && !step.inputs.hasUnknowns;
    graph.add(key, async () => {
      const dependencyChanged = dependencies.some((dependency) => changed.has(dependency));
      if (plannedUnchanged && !dependencyChanged) return;
      const recompute = step.inputs.hasUnknowns || dependencyChanged;
      let inputs = step.inputs;
      if (recompute) {
        inputs = resolveInputs(declaration.inputs, (reference) =>
          recordedOutput(
            state.resources.get(reference.resource),
            reference,
            providerByName.get(reference.resource),
          ),
        );
        if (inputs.problems.length > 0 || inputs.hasUnknowns)
          throw new ResourceOperationError('unresolved-reference', {
            message: inputs.problems.join('; ') || 'some referenced outputs are still unknown',
            hint: 'Check the outputs the referenced resources have (`icl state show <resource>`).',
          });
        if (provider.check) {
          const recorded = state.resources.get(name);
          const checked = await provider.check(
            inputs.values,
            recorded?.type === declaration.type ? recorded.inputs : undefined,
          );
          if (checked.failures.length > 0)
            throw new ResourceOperationError('invalid-inputs', {
              message: checked.failures
                .map((failure) => `input "${failure.property}": ${failure.reason}`)
                .join('; '),
              hint: 'Fix the inputs in the stack.',
            });
          inputs = { ...inputs, values: checked.inputs };
        }
      }
      const secretInputs = recompute ? secretInputsOf(provider, inputs) : step.secretInputs;
      const recorded = state.resources.get(name);
      let action = step.change.action;
      let deleteBeforeReplace = step.deleteBeforeReplace;
      if (recompute && recorded && recorded.type === declaration.type) {
        const diff = await diffResource(provider, recorded, inputs, secretInputs);
        action = diff.action;
        deleteBeforeReplace = diff.deleteBeforeReplace;
      } else if (!recorded) action = 'create';
      if (action === 'no-op' || action === 'delete') return;
      await reported(name, declaration.type, action, false, async () => {
        if (action === 'create') {
          summary.created += 1;
          return create(step, inputs, secretInputs);
        }
        if (!recorded) return undefined;
        if (action === 'update') {
          summary.updated += 1;
          return update(step, recorded, inputs, secretInputs);
        }
        if (deleteBeforeReplace) await remove(recorded, step.recordedProvider ?? provider);
        summary.replaced += 1;
        return create(step, inputs, secretInputs);
      });
      changed.add(name);
    });
  }
  for (const step of detailed.resources)
    for (const dependency of step.resource.dependencies)
      graph.order(`apply:${dependency}`, `apply:${step.resource.declaration.name}`);

  // Old copies of replaced resources (create-before-delete) and resources no longer declared.
  const leaving = new Map<string, string[]>(); // resource name → keys of operations removing a record of it
  const addLeaving = (name: string, key: string) => {
    const keys = leaving.get(name);
    if (keys) keys.push(key);
    else leaving.set(name, [key]);
  };
  for (const step of detailed.resources) {
    const { recorded } = step;
    if (!recorded || !(step.change.action === 'replace' || step.inputs.hasUnknowns)) continue;
    const name = step.resource.declaration.name;
    const key = `retire:${name}`;
    described.set(key, { resource: name, action: 'delete' });
    addLeaving(name, key);
    graph.add(key, async () => {
      const old = state.findReplaced(name, recorded.id);
      if (!old) return;
      await reported(name, old.type, 'delete', true, () =>
        remove(old, step.recordedProvider ?? step.resource.provider),
      );
    });
    graph.order(`apply:${name}`, key);
  }
  for (const deletion of detailed.deletions) {
    const { recorded, provider } = deletion;
    const key = `delete:${recorded.name}:${recorded.id}`;
    described.set(key, { resource: recorded.name, action: 'delete' });
    addLeaving(recorded.name, key);
    graph.add(key, () =>
      reported(recorded.name, recorded.type, 'delete', false, async () => {
        const removed = await remove(recorded, provider);
        summary.deleted += 1;
        return removed;
      }),
    );
  }
  // A record leaves before the records it depended on, and after everything that depended on it has
  // left or been updated to depend on something else.
  const leavingKeyOf = new Map<ResourceState, string>();
  for (const deletion of detailed.deletions)
    leavingKeyOf.set(deletion.recorded, `delete:${deletion.recorded.name}:${deletion.recorded.id}`);
  for (const step of detailed.resources)
    if (step.recorded && graph.has(`retire:${step.resource.declaration.name}`))
      leavingKeyOf.set(step.recorded, `retire:${step.resource.declaration.name}`);
  for (const record of state.allResources()) {
    const own = leavingKeyOf.get(record);
    for (const dependency of record.dependencies)
      for (const key of leaving.get(dependency) ?? []) {
        if (own) graph.order(own, key);
        else if (graph.has(`apply:${record.name}`)) graph.order(`apply:${record.name}`, key);
      }
  }
  for (const step of detailed.resources)
    for (const dependency of step.resource.dependencies)
      for (const key of leaving.get(dependency) ?? [])
        if (key.startsWith('retire:')) graph.order(`apply:${step.resource.declaration.name}`, key);

  const outcome = await graph.run({
    concurrency: options.concurrency,
    ...(options.signal && { signal: options.signal }),
  });
  // Every record is durable before the apply reports anything (a failure to write is the first error).
  await Promise.all(durable);
  if (writeFailure !== undefined) throw writeFailure;
  if (outcome.failed.size > 0) {
    const failures: ResourceFailure[] = [...outcome.failed].map(([key, error]) => ({
      resource: described.get(key)?.resource ?? key,
      action: described.get(key)?.action ?? 'apply',
      message: errorMessage(error),
    }));
    const skipped = [...new Set(outcome.skipped.map((key) => described.get(key)?.resource ?? key))];
    throw new ApplyFailedError(state.name, failures, skipped, [...outcome.failed.values()][0]);
  }
  if (outcome.cancelled.length > 0)
    throw new ApplyInterruptedError(state.name, [
      ...new Set(outcome.cancelled.map((key) => described.get(key)?.resource ?? key)),
    ]);
  return summary;
}
