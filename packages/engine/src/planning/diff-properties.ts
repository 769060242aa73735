import type { JsonValue } from '@icl/core';
import { jsonEqual } from './json-equal';
import type { PropertyChange } from './plan';
import { UnknownValue } from './unknown-value';

/** How to treat one top-level property in a diff. */
export interface PropertyTraits {
  /** Mask its values. */
  secret: boolean;
  /** A change of it replaces the resource. */
  replaces: boolean;
}

/**
 * The field-level differences between two sets of properties, descending into objects so a plan says
 * `environment.TOKEN` rather than `environment`. Values not known yet count as changes; secret values
 * are compared but never copied into the result.
 */
export function diffProperties(
  names: Iterable<string>,
  before: (name: string) => JsonValue | undefined,
  after: (name: string) => unknown,
  traits: (name: string) => PropertyTraits,
): PropertyChange[] {
  const changes: PropertyChange[] = [];
  const compare = (path: string, old: unknown, next: unknown, trait: PropertyTraits) => {
    if (next === UnknownValue.instance) {
      changes.push({
        path,
        ...(old !== undefined && !trait.secret && { before: old as JsonValue }),
        afterUnknown: true,
        ...(trait.replaces && { replaces: true }),
        ...(trait.secret && { secret: true }),
      });
      return;
    }
    if (jsonEqual(old, next)) return;
    if (isPlainObject(old) && isPlainObject(next) && !trait.secret) {
      for (const key of new Set([...Object.keys(old), ...Object.keys(next)]))
        compare(`${path}.${key}`, old[key], next[key], trait);
      return;
    }
    changes.push({
      path,
      ...(old !== undefined && !trait.secret && { before: old as JsonValue }),
      ...(next !== undefined && !trait.secret && { after: next as JsonValue }),
      ...(trait.replaces && { replaces: true }),
      ...(trait.secret && { secret: true }),
    });
  };
  for (const name of names) {
    const old = before(name);
    const next = after(name);
    // Most properties are unchanged: their traits are not even looked up.
    if (next !== UnknownValue.instance && jsonEqual(old, next)) continue;
    compare(name, old, next, traits(name));
  }
  return changes;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && value !== UnknownValue.instance
  );
}
