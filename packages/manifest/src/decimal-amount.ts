/** Prices carry 18 decimal places, like the chain's decimal coins. */
export const decimalAmountPrecision = 18;

const scale = 10n ** BigInt(decimalAmountPrecision);
const decimal = /^(\d+)(?:\.(\d+))?$/;

/**
 * Reads a non-negative decimal amount (`50`, `0.25`, `1000.5`) as an integer count of 10^-18 units,
 * so prices can be added and compared exactly. Returns `undefined` when the text is not such a number
 * or has more than 18 decimal places.
 */
export function parseDecimalAmount(text: string): bigint | undefined {
  const match = decimal.exec(text.trim());
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > decimalAmountPrecision) return undefined;
  return BigInt(match[1]!) * scale + BigInt(fraction.padEnd(decimalAmountPrecision, '0'));
}

/** Writes an amount of 10^-18 units the way the chain does: `50.000000000000000000`. */
export function formatDecimalAmount(amount: bigint): string {
  const whole = amount / scale;
  const fraction = (amount % scale).toString().padStart(decimalAmountPrecision, '0');
  return `${whole}.${fraction}`;
}
