/**
 * How much a provider's track record counts against its price when ranking. With no weights (the
 * default) the cheapest provider wins. A weight of 1 makes a provider with reputation 0 rank as if it
 * asked twice its price, one with reputation 0.5 as if it asked 1.5 times; a provider that declares no
 * reputation or uptime counts as 0 there.
 */
export interface RankingWeights {
  readonly reputation?: number;
  readonly uptime?: number;
}

/** The price a provider ranks at (as a number): its price, raised by the weighted shortfall of its record. */
export function rankingScore(
  price: number,
  weights: RankingWeights,
  reputation: number | undefined,
  uptime: number | undefined,
): number {
  const shortfall = (value: number | undefined) => 1 - Math.min(1, Math.max(0, value ?? 0));
  return (
    Number(price) *
    (1 + (weights.reputation ?? 0) * shortfall(reputation)) *
    (1 + (weights.uptime ?? 0) * shortfall(uptime))
  );
}
