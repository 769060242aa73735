/**
 * Why a provider cannot take an order, as a stable rule name programs can switch on. The checks run in
 * this order and a provider is reported under the first one it fails.
 */
export type RejectionRule =
  /** A provider order went to a fizz node or the other way round. */
  | 'mode'
  /** The order names desired providers (`desired_provider`, `desired_fizz`) and this is not one. */
  | 'desired-provider'
  /** The order excludes this provider (`provider_exclude`). */
  | 'excluded-provider'
  /** The provider's tier is not one of the order's tiers. */
  | 'tier'
  /** The provider does not accept the order's token. */
  | 'token'
  /** The provider is not in the order's region. */
  | 'region'
  /** The provider is in a region the order excludes (`region_exclude`). */
  | 'excluded-region'
  /** The provider lacks a placement attribute the order requires. */
  | 'attributes'
  /** The auditors the order requires have not signed the provider's attributes. */
  | 'signed-by'
  /** The provider does not offer a persistent storage class the order uses. */
  | 'storage-class'
  /** No node of the provider has a GPU of a kind the order accepts. */
  | 'gpu'
  /** The provider cannot give the public endpoints the order needs. */
  | 'endpoints'
  /** A fizz node's bandwidth is below the order's `bandwidth`. */
  | 'bandwidth'
  /** The replicas do not fit the provider's free capacity (every replica on one node, GPUs included). */
  | 'capacity'
  /** There is no price for the provider: it did not bid, or its price list does not cover the order. */
  | 'no-price'
  /** The provider's price is above the order's maximum price. */
  | 'price'
  /**
   * The provider did not prove its registration when asked (unreachable at its address, or its answer
   * not signed with its key): its bid does not count, so a provider that registered but cannot serve
   * never wins a lease.
   */
  | 'unverified';

/** One provider that cannot take an order, and why. */
export interface Rejection {
  /** The provider's address. */
  readonly provider: string;
  readonly rule: RejectionRule;
  /** One sentence a tenant can act on (`is tier 5; the order allows tiers 1, 2, 3`). */
  readonly reason: string;
}
