import { formatDecimalAmount, parseDecimalAmount } from '@icl/manifest';

const millisecondsPerHour = 3_600_000n;

/**
 * The smallest amount of a token, in 10⁻¹⁸ units: 10¹² for a token with 6 decimals (USDT, USDC), 1
 * for one with 18. Escrow moves whole amounts of it, so nothing is created or lost to rounding.
 */
export function tokenQuantum(decimals: number): bigint {
  return 10n ** BigInt(18 - Math.min(18, Math.max(0, decimals)));
}

/** What a lease at `pricePerHour` costs for its whole duration, rounded up to the token's precision. */
export function escrowDeposit(pricePerHour: bigint, durationSeconds: number, quantum: bigint): bigint {
  const exact = pricePerHour * BigInt(durationSeconds);
  const perSecondScale = 3600n * quantum;
  return ((exact + perSecondScale - 1n) / perSecondScale) * quantum;
}

/**
 * What the provider has earned after `elapsedMilliseconds`: the price by the millisecond, rounded
 * down to the token's precision, never more than the deposit.
 */
export function escrowSpent(
  pricePerHour: bigint,
  elapsedMilliseconds: number,
  deposited: bigint,
  quantum: bigint,
): bigint {
  const elapsed = BigInt(Math.max(0, Math.floor(elapsedMilliseconds)));
  const earned = ((pricePerHour * elapsed) / (millisecondsPerHour * quantum)) * quantum;
  return earned < deposited ? earned : deposited;
}

/** An amount in 10⁻¹⁸ units from its decimal form; throws on a malformed one (stored data is trusted). */
export function amountOf(text: string): bigint {
  const amount = parseDecimalAmount(text);
  if (amount === undefined) throw new Error(`Not a decimal amount: ${text}`);
  return amount;
}

export { formatDecimalAmount as formatAmount };
