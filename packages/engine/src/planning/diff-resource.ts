import type { JsonValue, ResourceProviderV1 } from '@icl/core';
import type { ResourceState } from '../state/resource-state';
import { diffProperties } from './diff-properties';
import type { PropertyChange } from './plan';
import type { ResolvedInputs } from './resolve-inputs';

/** How a recorded resource must change to match its declaration. */
export interface ResourceDiff {
  /** `no-op` when nothing differs. */
  action: 'update' | 'replace' | 'no-op';
  /** The properties that differ. */
  properties: PropertyChange[];
  /** For replacements: delete the old one before creating the new one. */
  deleteBeforeReplace: boolean;
}

/**
 * Compares a recorded resource with the inputs it is now declared with. The provider's `diff` decides
 * when it has one and every value is known; otherwise each input is compared with the recorded output
 * of the same name (so drift found by a refresh shows), else with the recorded input, and a change
 * replaces the resource when the property is `replaceOnChange` or the type cannot update in place.
 */
export function diffResource(
  provider: ResourceProviderV1,
  recorded: ResourceState,
  desired: ResolvedInputs,
  secretInputs: ReadonlySet<string>,
): ResourceDiff | Promise<ResourceDiff> {
  const names = Object.keys(desired.values);
  for (const name of Object.keys(recorded.inputs)) if (!Object.hasOwn(desired.values, name)) names.push(name);
  const before = (name: string): JsonValue | undefined =>
    Object.hasOwn(recorded.outputs, name) ? recorded.outputs[name] : recorded.inputs[name];
  const traits = (name: string) => ({
    secret:
      secretInputs.has(name) ||
      recorded.secretInputs?.includes(name) === true ||
      recorded.secretOutputs?.includes(name) === true ||
      provider.secretOutputs?.includes(name) === true ||
      provider.inputProperties?.[name]?.secret === true,
    replaces: provider.inputProperties?.[name]?.replaceOnChange === true || !provider.update,
  });
  const properties = diffProperties(names, before, (name) => desired.values[name], traits);
  const typeDefault = provider.deleteBeforeReplace ?? false;

  if (provider.diff && !desired.hasUnknowns)
    return provider.diff(recorded.id, recorded.outputs, desired.values).then((result) => {
      if (!result.changes)
        return { action: 'no-op' as const, properties: [], deleteBeforeReplace: typeDefault };
      const replaces = new Set(result.replaces ?? []);
      const changed = new Set([...(result.changedProperties ?? []), ...replaces]);
      const topLevel = (path: string) => path.split('.')[0] ?? path;
      const shown = properties
        .filter((change) => changed.size === 0 || changed.has(topLevel(change.path)))
        .map((change) => {
          const { replaces: _replaces, ...rest } = change;
          return replaces.has(topLevel(change.path)) ? { ...rest, replaces: true } : rest;
        });
      for (const name of changed)
        if (!shown.some((change) => topLevel(change.path) === name))
          shown.push({ path: name, ...(replaces.has(name) && { replaces: true }) });
      return {
        action: replaces.size > 0 || !provider.update ? ('replace' as const) : ('update' as const),
        properties: shown,
        deleteBeforeReplace: result.deleteBeforeReplace ?? typeDefault,
      };
    });

  if (properties.length === 0) return { action: 'no-op', properties, deleteBeforeReplace: typeDefault };
  return {
    action: properties.some((change) => change.replaces) ? 'replace' : 'update',
    properties,
    deleteBeforeReplace: typeDefault,
  };
}
