import type { JsonObject, JsonValue } from '@icl/core';
import type { InputValue } from '../declaration/input';
import { Output, type OutputReference } from '../declaration/output';
import { UnknownValue } from './unknown-value';

/** What a reference stands for right now. */
export type ResolvedReference =
  | { readonly known: true; readonly value: JsonValue; readonly secret: boolean }
  | { readonly known: false }
  | { readonly missing: string };

/** Inputs with every output replaced by its value, where known. */
export interface ResolvedInputs {
  /** The inputs; a value not known yet is {@link UnknownValue.instance}. */
  readonly values: JsonObject;
  /** Whether some value is not known yet. */
  readonly hasUnknowns: boolean;
  /** Top-level inputs whose value comes, wholly or partly, from a secret output. */
  readonly secret: ReadonlySet<string>;
  /** Why some references could not be resolved (an output the resource does not have). */
  readonly problems: readonly string[];
}

/**
 * Replaces the outputs in a resource's inputs with their values: whole outputs keep their JSON type,
 * interpolations become strings. A value that depends on a secret output is marked secret, so it is
 * encrypted in state and masked in plans like the output it came from.
 */
export function resolveInputs(
  inputs: Readonly<Record<string, InputValue>>,
  lookup: (reference: OutputReference) => ResolvedReference,
): ResolvedInputs {
  const secret = new Set<string>();
  const problems: string[] = [];
  let hasUnknowns = false;
  const follow = (reference: OutputReference): { value: JsonValue | UnknownValue; secret: boolean } => {
    const resolved = lookup(reference);
    if ('missing' in resolved) {
      problems.push(resolved.missing);
      return { value: UnknownValue.instance, secret: false };
    }
    if (!resolved.known) return { value: UnknownValue.instance, secret: false };
    let value: JsonValue | undefined = resolved.value;
    for (const key of reference.path) {
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, JsonValue>)[key] : undefined;
      if (value === undefined) {
        problems.push(
          `output "${reference.output}" of "${reference.resource}" has no property "${reference.path.join('.')}"`,
        );
        return { value: UnknownValue.instance, secret: resolved.secret };
      }
    }
    return { value, secret: resolved.secret };
  };
  const resolve = (value: InputValue, top: string): unknown => {
    if (Output.isInstance(value)) {
      if (value.isWhole) {
        const result = follow(value.references[0]!);
        if (result.secret) secret.add(top);
        if (result.value === UnknownValue.instance) hasUnknowns = true;
        return result.value;
      }
      let text = '';
      let unknown = false;
      for (const segment of value.segments) {
        if (typeof segment === 'string') {
          text += segment;
          continue;
        }
        const result = follow(segment);
        if (result.secret) secret.add(top);
        if (result.value === UnknownValue.instance) unknown = true;
        else text += typeof result.value === 'string' ? result.value : JSON.stringify(result.value);
      }
      if (unknown) {
        hasUnknowns = true;
        return UnknownValue.instance;
      }
      return text;
    }
    if (Array.isArray(value)) return value.map((item) => resolve(item, top));
    if (value !== null && typeof value === 'object') {
      const object: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) object[key] = resolve(item, top);
      return object;
    }
    return value;
  };
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) values[key] = resolve(value, key);
  return { values: values as JsonObject, hasUnknowns, secret, problems };
}
