import type { JsonValue } from '@icl/core';
import type { PropertyChange } from '@icl/engine';

const maximumLength = 120;

/** A value in a plan line: JSON, shortened when long. */
export function formatValue(value: JsonValue | undefined): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length <= maximumLength ? text : `${text.slice(0, maximumLength - 1)}…`;
}

/** `content: "a" → "b"`, `token: (secret)`, `url: (known after apply)`, for one changed property. */
export function formatPropertyChange(change: PropertyChange, creating: boolean): string {
  const after = change.secret
    ? '(secret)'
    : change.afterUnknown
      ? '(known after apply)'
      : formatValue(change.after);
  const suffix = change.replaces ? '  (forces replacement)' : '';
  if (creating) return `${change.path}: ${after}${suffix}`;
  const before = change.secret ? '(secret)' : formatValue(change.before);
  return `${change.path}: ${before} → ${after}${suffix}`;
}
