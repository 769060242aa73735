import type { JsonObject, JsonValue } from '@icl/core';
import type { ResourceState } from '../state/resource-state';

/** Text that stands for a secret value wherever one would have been printed. */
export const redactedSecret = '[secret]';

/** Shorter values are left alone: redacting `1` or `on` would garble every message without hiding anything. */
const shortestRedacted = 3;

/**
 * The secret values an apply knows of (secret inputs and outputs of the stack's resources, as
 * recorded and as they are computed), so that whatever reaches the user — a provider's error, its
 * stderr quoted in one, a progress line — says `[secret]` instead of a value, whichever provider or
 * program printed it.
 */
export class SecretValues {
  readonly #values = new Set<string>();

  /** Every secret input and output of recorded resources. */
  static of(resources: readonly ResourceState[]): SecretValues {
    const secrets = new SecretValues();
    for (const resource of resources) {
      secrets.add(resource.inputs, resource.secretInputs ?? []);
      secrets.add(resource.outputs, resource.secretOutputs ?? []);
    }
    return secrets;
  }

  /** Adds the values of the properties `names` of `values` (every string inside them). */
  add(values: JsonObject, names: Iterable<string>): void {
    for (const name of names) this.#collect(values[name]);
  }

  /** `text` with every known secret value replaced by {@link redactedSecret}, longest values first. */
  redact(text: string): string {
    let redacted = text;
    for (const value of [...this.#values].sort((left, right) => right.length - left.length))
      redacted = redacted.replaceAll(value, redactedSecret);
    return redacted;
  }

  /** Redacts an error's message (and hint) in place, so it can be rethrown as it is. */
  redactError(error: unknown): void {
    if (!(error instanceof Error) || this.#values.size === 0) return;
    error.message = this.redact(error.message);
    const withHint = error as Error & { hint?: unknown };
    if (typeof withHint.hint === 'string')
      Object.defineProperty(error, 'hint', { value: this.redact(withHint.hint), configurable: true });
  }

  #collect(value: JsonValue | undefined): void {
    if (typeof value === 'string') {
      if (value.length >= shortestRedacted) this.#values.add(value);
    } else if (typeof value === 'number') {
      if (String(value).length >= shortestRedacted) this.#values.add(String(value));
    } else if (Array.isArray(value)) {
      for (const entry of value) this.#collect(entry);
    } else if (value !== null && typeof value === 'object') {
      for (const entry of Object.values(value)) this.#collect(entry);
    }
  }
}
