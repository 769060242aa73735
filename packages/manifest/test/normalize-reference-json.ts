/**
 * Brings the TypeScript SDK's fixture format and ours to one form, so they can be compared: resource
 * values as decimal strings (the SDK writes some as numbers, or as the bytes of the string), `quantity`
 * as `size`, camelCase `signedBy`/`allOf`/`anyOf` as the chain's snake_case, absent lists as `[]`,
 * `params: null` as no params, and prices without trailing zero decimals. Nothing else is changed.
 */
export function normalizeTypescriptFormat(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeTypescriptFormat);
  if (value === null || typeof value !== 'object') return value;
  const normalized: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = renames[key] ?? key;
    if (key === 'val') normalized.val = resourceValue(item);
    else if (key === 'params' && item === null) continue;
    else if (item === null && ['all_of', 'any_of', 'attributes'].includes(name)) normalized[name] = [];
    else if (name === 'amount' && typeof item === 'string')
      normalized[name] = item.includes('.') ? item.replace(/\.?0+$/, '') : item;
    else normalized[name] = normalizeTypescriptFormat(item);
  }
  return normalized;
}

const renames: Record<string, string> = {
  quantity: 'size',
  signedBy: 'signed_by',
  allOf: 'all_of',
  anyOf: 'any_of',
};

function resourceValue(value: unknown): string {
  if (value !== null && typeof value === 'object')
    return String.fromCharCode(...(Object.values(value) as number[]));
  return String(value);
}
