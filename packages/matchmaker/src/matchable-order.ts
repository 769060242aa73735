import type { DeploymentOrder } from '@icl/manifest';

/**
 * The parts of an order the matchmaker reads: a {@link DeploymentOrder} from `@icl/manifest`, or the
 * same data as an order book stores it (without the manifest, which goes to the winner only).
 */
export type MatchableOrder = Pick<
  DeploymentOrder,
  'placement' | 'mode' | 'tiers' | 'priceUnit' | 'denom' | 'maximumPrice' | 'requirements' | 'resources'
>;
