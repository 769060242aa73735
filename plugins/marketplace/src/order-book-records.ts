import type { DecimalCoin, GroupSpec } from '@icl/manifest';
import type { MatchableOrder, ProviderOffer } from '@icl/matchmaker';

/**
 * The records an order book keeps and serves as JSON. Amounts are decimal strings with 18 places
 * (`2.500000000000000000`), exact in any language; times are ISO 8601.
 */

/** What a provider publishes: its offer (without prices: it bids instead) and where tenants reach it. */
export interface ProviderRecord {
  readonly address: string;
  /** Raw Ed25519 public key, base64url; the address is derived from it. */
  readonly publicKey: string;
  /** The provider's API (`http://127.0.0.1:8443`), where tenants send manifests and read logs. */
  readonly hostUri: string;
  readonly offer: ProviderOfferRecord;
  readonly registeredAt: string;
  /** Its last registration or heartbeat. */
  readonly lastSeenAt: string;
}

/** A provider offer as JSON: everything but the price list. */
export type ProviderOfferRecord = Omit<ProviderOffer, 'pricing'>;

/** The order as it is placed: the matching data and the group spec, never the manifest (it holds secrets). */
export interface OrderSpecification extends MatchableOrder {
  /** How long the lease runs. */
  readonly durationSeconds: number;
  readonly groupSpec: GroupSpec;
}

export type OrderState = 'open' | 'matched' | 'closed';

export interface OrderRecord {
  readonly id: string;
  /** The tenant's address. */
  readonly tenant: string;
  /** The tenant's name for the deployment the order is part of (one order per placement). */
  readonly deployment: string;
  /** Grows with every change of any order: providers ask for orders after the last one they saw. */
  readonly sequence: number;
  readonly state: OrderState;
  readonly createdAt: string;
  readonly closedAt?: string;
  readonly specification: OrderSpecification;
}

export type BidState = 'open' | 'won' | 'lost' | 'closed';

export interface BidRecord {
  readonly id: string;
  readonly orderId: string;
  readonly provider: string;
  /** For the whole order per hour. */
  readonly price: DecimalCoin;
  readonly state: BidState;
  readonly createdAt: string;
}

export type LeaseState = 'active' | 'closed';

/** Why a lease ended. */
export type LeaseEnd = 'closed-by-tenant' | 'closed-by-provider' | 'expired' | 'insufficient-funds';

export interface LeaseRecord {
  readonly id: string;
  readonly orderId: string;
  readonly bidId: string;
  readonly tenant: string;
  readonly provider: string;
  /** The provider's API, copied from its registration when the lease was made. */
  readonly providerUri: string;
  readonly deployment: string;
  readonly placement: string;
  /** The winning bid: for the whole order per hour. */
  readonly price: DecimalCoin;
  readonly state: LeaseState;
  readonly end?: LeaseEnd;
  readonly createdAt: string;
  /** When the lease's duration runs out. */
  readonly expiresAt: string;
  readonly closedAt?: string;
  readonly escrow: EscrowRecord;
}

/**
 * The lease's escrow account. The tenant deposits the price of the whole duration when the lease is
 * made; the provider earns it by the millisecond; on close the provider is paid what was earned and
 * the rest goes back to the tenant. Amounts are whole units of the token's precision.
 */
export interface EscrowRecord {
  readonly denom: string;
  readonly deposited: string;
  /** Earned by the provider so far (while active) or in all (once closed). */
  readonly spent: string;
  /** Returned to the tenant on close. */
  readonly returned: string;
  readonly settledAt?: string;
}

/** An account's balances by token. */
export interface AccountRecord {
  readonly address: string;
  readonly balances: Readonly<Record<string, string>>;
}

/** An error as every marketplace server answers it. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string };
}
