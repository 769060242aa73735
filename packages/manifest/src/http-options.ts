import type { ManifestField } from './manifest-field';
import type { HttpOptions } from './provider-manifest';

/** The proxy's defaults and limits, as the reference parser applies them. */
const defaults = {
  maxBodySize: 1_048_576,
  readTimeout: 60_000,
  sendTimeout: 60_000,
  nextTries: 3,
  nextCases: ['error', 'timeout'],
} as const;

const limits = { maxBodySize: 104_857_600, timeout: 60_000, proxyBufferSize: 1_048_576 } as const;
const uint32Maximum = 4_294_967_295;

/** Retry conditions the proxy understands; `off` disables retries and stands alone. */
export const nextCaseValues: readonly string[] = [
  'error',
  'timeout',
  '500',
  '502',
  '503',
  '504',
  '403',
  '404',
  '429',
  'off',
];

/** The HTTP options of an expose entry when it sets none. */
export const defaultHttpOptions: HttpOptions = {
  maxBodySize: defaults.maxBodySize,
  readTimeout: defaults.readTimeout,
  sendTimeout: defaults.sendTimeout,
  nextTries: defaults.nextTries,
  nextTimeout: 0,
  nextCases: defaults.nextCases,
};

/**
 * Reads `http_options` of an expose entry. Zero (or absent) means the default, as in the reference
 * parser; values above the proxy's limits are errors.
 */
export function readHttpOptions(field: ManifestField): HttpOptions | undefined {
  if (field.isNull) return defaultHttpOptions;
  const entries = field.mapping({
    what: 'http_options',
    known: [
      'max_body_size',
      'read_timeout',
      'send_timeout',
      'next_tries',
      'next_timeout',
      'next_cases',
      'proxy_buffer_size',
    ],
  });
  if (entries === undefined) return undefined;
  let valid = true;
  const number = (key: string, maximum: number, hint: string): number => {
    const entry = entries.get(key);
    if (entry === undefined) return 0;
    const value = entry.integer({ minimum: 0, maximum, rule: 'http-options', hint });
    if (value === undefined) valid = false;
    return value ?? 0;
  };
  const maxBodySize = number(
    'max_body_size',
    limits.maxBodySize,
    'Set a body size in bytes up to 104857600 (100 MiB); 0 means the default, 1 MiB.',
  );
  const readTimeout = number(
    'read_timeout',
    limits.timeout,
    'Set a timeout in milliseconds up to 60000; 0 means the default, 60000.',
  );
  const sendTimeout = number(
    'send_timeout',
    limits.timeout,
    'Set a timeout in milliseconds up to 60000; 0 means the default, 60000.',
  );
  const nextTries = number(
    'next_tries',
    uint32Maximum,
    'Set how many upstreams to try, 0 for the default of 3.',
  );
  const nextTimeout = number(
    'next_timeout',
    uint32Maximum,
    'Set the retry time limit in milliseconds (0: none).',
  );
  const proxyBufferSize = entries.has('proxy_buffer_size')
    ? number(
        'proxy_buffer_size',
        limits.proxyBufferSize,
        'Set the response header buffer size in bytes, up to 1048576 (1 MiB).',
      )
    : undefined;
  let nextCases: readonly string[] = defaults.nextCases;
  const casesField = entries.get('next_cases');
  if (casesField !== undefined && !casesField.isNull) {
    const hint = `Use ${nextCaseValues.map((value) => `"${value}"`).join(', ')} (quote the status codes), or just "off".`;
    const cases = casesField.stringList(hint);
    if (cases === undefined) valid = false;
    else {
      const unknown = cases.filter((value) => !nextCaseValues.includes(value));
      if (unknown.length > 0) {
        casesField.report(
          'next-cases',
          `has unknown retry cases ${unknown.map((value) => `\`${value}\``).join(', ')}`,
          hint,
        );
        valid = false;
      } else if (cases.includes('off') && cases.length > 1) {
        casesField.report(
          'next-cases',
          '`off` cannot be combined with other cases',
          'Either list retry cases or write just `- "off"`.',
        );
        valid = false;
      } else if (cases.length > 0) nextCases = cases;
    }
  }
  if (!valid) return undefined;
  return {
    maxBodySize: maxBodySize || defaults.maxBodySize,
    readTimeout: readTimeout || defaults.readTimeout,
    sendTimeout: sendTimeout || defaults.sendTimeout,
    nextTries: nextTries || defaults.nextTries,
    nextTimeout,
    nextCases,
    ...(proxyBufferSize === undefined ? {} : { proxyBufferSize }),
  };
}
