import type { ResourceProviderV1 } from '@icl/core';
import { ApplyFailedError } from '../errors/apply-failed-error';
import { diffProperties } from '../planning/diff-properties';
import { jsonEqual } from '../planning/json-equal';
import type { ResourceDrift } from '../planning/plan';
import type { StackState } from '../state/stack-state';
import type { StateChange } from '../state/state-change';
import { errorMessage } from './error-message';
import { mapWithConcurrency } from './map-with-concurrency';

/** Options of {@link refreshResources}. */
export interface RefreshOptions {
  /** Providers by type. */
  providerFor: (type: string) => ResourceProviderV1 | undefined;
  /** Reads at most this many resources at once. */
  concurrency: number;
  /** Stops the provider operations. */
  signal?: AbortSignal;
  /** Records what was found: to the state store during an apply, only in memory for a plan. */
  record: (change: StateChange) => unknown;
}

/**
 * Reads every recorded resource whose type can be read, and records what differs: outputs changed
 * outside ICL, or the resource gone. Returns the drift, field by field.
 */
export async function refreshResources(state: StackState, options: RefreshOptions): Promise<ResourceDrift[]> {
  const found = await mapWithConcurrency(
    state.allResources(),
    options.concurrency,
    async (recorded): Promise<ResourceDrift | undefined> => {
      const provider = options.providerFor(recorded.type);
      if (!provider?.read) return undefined;
      let real: Awaited<ReturnType<NonNullable<ResourceProviderV1['read']>>>;
      try {
        real = await provider.read(recorded.id, recorded.inputs, {
          urn: recorded.urn,
          recordedOutputs: recorded.outputs,
          ...(options.signal && { signal: options.signal }),
        });
      } catch (error) {
        throw new ApplyFailedError(
          state.name,
          [{ resource: recorded.name, action: 'refresh', message: errorMessage(error) }],
          [],
          error,
        );
      }
      if (!real) {
        await options.record({ kind: 'deleted', name: recorded.name, id: recorded.id });
        return { name: recorded.name, type: recorded.type, id: recorded.id, kind: 'deleted', properties: [] };
      }
      if (jsonEqual(real.outputs, recorded.outputs)) return undefined;
      const secret = new Set([...(recorded.secretOutputs ?? []), ...(provider.secretOutputs ?? [])]);
      const properties = diffProperties(
        new Set([...Object.keys(recorded.outputs), ...Object.keys(real.outputs)]),
        (name) => recorded.outputs[name],
        (name) => real.outputs[name],
        (name) => ({ secret: secret.has(name), replaces: false }),
      );
      await options.record({
        kind: 'refreshed',
        resource: { ...recorded, outputs: real.outputs, updatedAt: new Date().toISOString() },
      });
      return { name: recorded.name, type: recorded.type, id: recorded.id, kind: 'changed', properties };
    },
  );
  return found.filter((drift): drift is ResourceDrift => drift !== undefined);
}
