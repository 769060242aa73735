import type { JsonObject, ResourceProviderV1 } from '@icl/core';
import type { ResolvedInputs } from './resolve-inputs';

const declaredSecretInputs = new WeakMap<ResourceProviderV1, readonly string[]>();
const none: ReadonlySet<string> = new Set();

/** Top-level inputs that are secrets: declared so by the type, or computed from secret outputs. */
export function secretInputsOf(provider: ResourceProviderV1, inputs: ResolvedInputs): ReadonlySet<string> {
  let declared = declaredSecretInputs.get(provider);
  if (!declared) {
    declared = Object.entries(provider.inputProperties ?? {})
      .filter(([, property]) => property.secret)
      .map(([name]) => name);
    declaredSecretInputs.set(provider, declared);
  }
  if (declared.length === 0 && inputs.secret.size === 0) return none;
  const secret = new Set(inputs.secret);
  for (const name of declared) if (Object.hasOwn(inputs.values, name)) secret.add(name);
  return secret;
}

/**
 * Outputs to keep secret: those the type declares secret, and, when any input is secret, every
 * output, since providers commonly echo inputs into outputs and the engine cannot tell which do.
 */
export function secretOutputsOf(
  provider: ResourceProviderV1,
  outputs: JsonObject,
  secretInputs: ReadonlySet<string> | readonly string[] | undefined,
): string[] {
  const names = new Set(provider.secretOutputs ?? []);
  for (const [name, property] of Object.entries(provider.outputProperties ?? {}))
    if (property.secret) names.add(name);
  const anySecretInput =
    secretInputs !== undefined && ('size' in secretInputs ? secretInputs.size > 0 : secretInputs.length > 0);
  if (anySecretInput) for (const name of Object.keys(outputs)) names.add(name);
  return [...names].filter((name) => Object.hasOwn(outputs, name));
}
