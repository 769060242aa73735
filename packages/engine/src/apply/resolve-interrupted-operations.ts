import type { ResourceProviderV1 } from '@icl/core';
import type { EngineEvent } from '../engine-event';
import { InterruptedOperationError } from '../errors/interrupted-operation-error';
import { jsonEqual } from '../planning/json-equal';
import { secretOutputsOf } from '../planning/secret-properties';
import type { StateSession } from '../state/state-store';
import { errorMessage } from './error-message';

/**
 * Settles the operations an interrupted run announced but did not finish, before anything is planned:
 * a create is looked up with the provider's `read` (by the urn and inputs it was given) and adopted
 * if it exists, or dropped if nothing was made; an update or delete is checked against what exists.
 * This is what makes a crash at any point safe: nothing is created twice, nothing is left unrecorded.
 *
 * @throws InterruptedOperationError when a create cannot be looked up (its type has no `read`).
 */
export async function resolveInterruptedOperations(
  session: StateSession,
  providerFor: (type: string) => ResourceProviderV1 | undefined,
  emit: (event: EngineEvent) => void,
): Promise<void> {
  const { state } = session;
  const operations = [...state.pending.values()].sort((left, right) => left.intent - right.intent);
  for (const operation of operations) {
    const provider = providerFor(operation.type);
    const context = { urn: operation.urn };
    if (operation.operation === 'create') {
      if (!provider?.read)
        throw new InterruptedOperationError(
          state.name,
          operation.name,
          provider
            ? `its type ${operation.type} cannot look resources up`
            : `no provider for its type ${operation.type} is known`,
        );
      let found: Awaited<ReturnType<NonNullable<ResourceProviderV1['read']>>>;
      try {
        found = await provider.read('', operation.inputs ?? {}, context);
      } catch (error) {
        throw new InterruptedOperationError(state.name, operation.name, errorMessage(error), error);
      }
      if (found) {
        const now = new Date().toISOString();
        await session.record({
          kind: 'created',
          intent: operation.intent,
          resource: {
            name: operation.name,
            type: operation.type,
            urn: operation.urn,
            id: found.id,
            inputs: operation.inputs ?? {},
            outputs: found.outputs,
            dependencies: operation.dependencies ?? [],
            ...(operation.secretInputs?.length && { secretInputs: operation.secretInputs }),
            ...secretOutputsRecord(secretOutputsOf(provider, found.outputs, operation.secretInputs)),
            createdAt: now,
            updatedAt: now,
          },
        });
      } else await session.record({ kind: 'settled', intent: operation.intent });
      emit({
        type: 'interrupted-operation-resolved',
        name: operation.name,
        operation: 'create',
        outcome: found ? 'adopted' : 'nothing-made',
      });
      continue;
    }
    const recorded = operation.id === undefined ? undefined : state.find(operation.name, operation.id);
    if (recorded && provider?.read) {
      const real = await provider.read(recorded.id, recorded.inputs, {
        ...context,
        recordedOutputs: recorded.outputs,
      });
      if (!real) {
        await session.record({
          kind: 'deleted',
          intent: operation.intent,
          name: recorded.name,
          id: recorded.id,
        });
      } else {
        if (!jsonEqual(real.outputs, recorded.outputs))
          await session.record({
            kind: 'refreshed',
            resource: { ...recorded, outputs: real.outputs, updatedAt: new Date().toISOString() },
          });
        await session.record({ kind: 'settled', intent: operation.intent });
      }
    } else await session.record({ kind: 'settled', intent: operation.intent });
    emit({
      type: 'interrupted-operation-resolved',
      name: operation.name,
      operation: operation.operation,
      outcome: 'checked',
    });
  }
}

function secretOutputsRecord(names: string[]): { secretOutputs?: string[] } {
  return names.length > 0 ? { secretOutputs: names } : {};
}
