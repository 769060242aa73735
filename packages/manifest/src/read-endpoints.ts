import type { ManifestField } from './manifest-field';
import type { EndpointModel } from './manifest-model';

/** Endpoint names: lowercase letters first, then letters, digits, `-` and `_`; two characters or more. */
export const endpointNamePattern = /^[a-z]+[-_\da-z]+$/;

/** Reads the top-level `endpoints` (leased IPs) of an Akash SDL. */
export function readEndpoints(field: ManifestField): Map<string, EndpointModel> {
  const endpoints = new Map<string, EndpointModel>();
  const entries = field.namedEntries(
    'a mapping of endpoint names to endpoints',
    'Write `endpoints:` followed by `<name>: { kind: ip }`.',
  );
  for (const entry of entries ?? []) {
    if (!endpointNamePattern.test(entry.name)) {
      entry.key.report(
        'endpoint-name',
        `\`${entry.name}\` is not a valid endpoint name`,
        'Use lowercase letters first, then lowercase letters, digits, `-` or `_` (for example `web-ip`).',
      );
    }
    const kindField = entry.value
      .mapping({ what: 'an endpoint', known: ['kind'], required: ['kind'] })
      ?.get('kind');
    const hint = 'Write `kind: ip`, the only kind of endpoint there is.';
    const kind = kindField?.string(hint);
    if (kindField !== undefined && kind !== undefined && kind !== 'ip') {
      kindField.report('endpoint-kind', `\`${kind}\` is not an endpoint kind`, hint);
    }
    endpoints.set(entry.name, { name: entry.name, field: entry.key });
  }
  return endpoints;
}
