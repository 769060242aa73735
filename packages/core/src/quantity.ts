import { InvalidArgumentError } from './errors/invalid-argument-error';

const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const decimalSuffixes: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const quantityPattern =
  /^([+]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E))?$/;

/**
 * A resource amount as users write it, in Kubernetes notation: `100m` or `0.5` CPU, `4Gi` or `512M`
 * bytes of memory. Plain numbers are accepted too.
 */
export type Quantity = string | number;

/**
 * Parses a Kubernetes-style quantity into a plain number of base units (cores for CPU, bytes for
 * memory). `100m` → 0.1, `4Gi` → 4294967296, `512M` → 512000000, `1e3` → 1000.
 *
 * @param value The quantity as written by the user.
 * @param argument What the value is for (`--memory`, `resources.cpu`), named in the error message.
 * @throws InvalidArgumentError when the value is not a non-negative quantity.
 */
export function parseQuantity(value: Quantity, argument = 'quantity'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw invalidQuantity(String(value), argument);
  }
  const match = quantityPattern.exec(value.trim());
  if (!match) throw invalidQuantity(value, argument);
  const [, digits, exponent, suffix = ''] = match;
  const base = Number(digits);
  if (exponent) return base * 10 ** Number(exponent.slice(1));
  const multiplier = binarySuffixes[suffix] ?? decimalSuffixes[suffix];
  return base * (multiplier as number);
}

/**
 * Formats a number of bytes the way people read memory sizes (`4 GiB`, `512 MiB`), for inventories
 * and error messages.
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value >= 10 || unit === 0 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded} ${units[unit]}`;
}

function invalidQuantity(value: string, argument: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument,
    message: `Invalid quantity for ${argument}: "${value}".`,
    hint: 'Write a number with an optional Kubernetes suffix, for example 100m or 0.5 (CPU), 512M or 4Gi (memory).',
  });
}
