/** The part of an allocation that prices a move: where it runs, how many replicas, what it costs. */
export interface PricedPlacement {
  accelerator: string;
  replicas: number;
  cost: number;
}

/** Share of both costs added when a server changes accelerator type (Inferno's AccelPenaltyFactor). */
export const acceleratorChangeFactor = 0.1;

/**
 * Inferno's value of moving a server from its current placement to `next`: nothing when it stays as it is,
 * the cost difference when only the replica count changes, and the cost difference plus a tenth of both
 * costs when the accelerator changes (redeploying has a price beyond the bill). A server without a current
 * placement is priced as moving from nothing, `1.1 × cost`, so minimising the value minimises the cost.
 */
export function transitionPenalty(current: PricedPlacement | undefined, next: PricedPlacement): number {
  const from = current ?? { accelerator: '', replicas: 0, cost: 0 };
  if (from.accelerator === next.accelerator) {
    return from.replicas === next.replicas ? 0 : next.cost - from.cost;
  }
  return acceleratorChangeFactor * (from.cost + next.cost) + (next.cost - from.cost);
}
