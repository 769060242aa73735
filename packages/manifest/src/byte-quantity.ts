const decimalSuffixes: Readonly<Record<string, number>> = {
  k: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
  T: 1000 ** 4,
  P: 1000 ** 5,
  E: 1000 ** 6,
};

const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

const number = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The units a size may use: memory and storage take both families, GPU RAM only binary ones. */
export type ByteUnits = 'decimal-and-binary' | 'binary';

/**
 * Reads a size such as `512Mi`, `1.5Gi`, `10G` or `1048576` as a number of bytes, the way the reference
 * parser does: a decimal number (fractions allowed) with an optional suffix, rounded down to whole
 * bytes. Returns a message when the text is not a size.
 */
export function parseByteQuantity(text: string, units: ByteUnits): number | { problem: string } {
  const suffixes = units === 'binary' ? binarySuffixes : { ...decimalSuffixes, ...binarySuffixes };
  let multiplier = 1;
  let digits = text;
  for (const [suffix, value] of Object.entries(suffixes)) {
    if (text.endsWith(suffix)) {
      multiplier = value;
      digits = text.slice(0, -suffix.length);
      break;
    }
  }
  if (!number.test(digits)) return { problem: `\`${text}\` is not a size${sizeSuggestion(text, units)}` };
  const value = Number(digits) * multiplier;
  if (value < 0) return { problem: `\`${text}\` is negative` };
  if (!Number.isFinite(value)) return { problem: `\`${text}\` is too large` };
  return Math.trunc(value);
}

const informalSize = /^([+]?(?:\d+(?:\.\d*)?|\.\d+))\s*([kmgtpe])(i?)(?:b|bytes?)?$/i;

/**
 * What a size written the way docker-compose, Akash's TypeScript SDK or a person would (`8gb`, `16GB`,
 * `2gi`, `512Mb`) is called here: the reference parser takes only the suffixes above, case as written.
 */
function sizeSuggestion(text: string, units: ByteUnits): string {
  const accepted =
    units === 'binary'
      ? 'sizes end in Ki, Mi, Gi, Ti, Pi or Ei (powers of 1024)'
      : 'sizes end in k, M, G, T, P, E (powers of 1000) or Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024)';
  const match = informalSize.exec(text.trim());
  if (match === null) return `; ${accepted}, or are a number of bytes`;
  const [, digits, letter, binaryMark] = match as unknown as [string, string, string, string];
  const prefix = letter.toLowerCase() === 'k' ? 'k' : letter.toUpperCase();
  const decimal = `${digits}${prefix}`;
  const binary = `${digits}${prefix === 'k' ? 'K' : prefix}i`;
  const describe = (written: string) => {
    const bytes = parseByteQuantity(written, units);
    return typeof bytes === 'number' ? `\`${written}\` (${bytes.toLocaleString('en-US')} bytes)` : undefined;
  };
  const choices = (binaryMark !== '' || units === 'binary' ? [binary] : [decimal, binary])
    .map(describe)
    .filter((choice) => choice !== undefined);
  return `; ${accepted}, case as written: did you mean ${choices.join(' or ')}?`;
}

/**
 * Writes bytes as whole units of `Gi` (rounded down), the form GPU RAM takes in attribute keys
 * (`vendor/nvidia/model/a100/ram/80Gi`).
 */
export function formatGibibytes(bytes: number): string {
  return `${Math.floor(bytes / binarySuffixes.Gi!)}Gi`;
}
