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
  if (!number.test(digits)) {
    return {
      problem: `\`${text}\` is not a size`,
    };
  }
  const value = Number(digits) * multiplier;
  if (value < 0) return { problem: `\`${text}\` is negative` };
  if (!Number.isFinite(value)) return { problem: `\`${text}\` is too large` };
  return Math.trunc(value);
}

/**
 * Writes bytes as whole units of `Gi` (rounded down), the form GPU RAM takes in attribute keys
 * (`vendor/nvidia/model/a100/ram/80Gi`).
 */
export function formatGibibytes(bytes: number): string {
  return `${Math.floor(bytes / binarySuffixes.Gi!)}Gi`;
}
