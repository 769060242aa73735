import type { DecimalCoin } from '@icl/manifest';
import type { MarketplaceKey } from './marketplace-key';
import type {
  AccountRecord,
  BidRecord,
  LeaseRecord,
  OrderRecord,
  OrderSpecification,
  OrderState,
  ProviderOfferRecord,
  ProviderRecord,
} from './order-book-records';
import { SignedHttpClient } from './signed-http-client';

/**
 * The order book's HTTP API, for tenants, providers and operators. Reads are public; every write is
 * signed, and the order book checks the signer owns what it changes.
 *
 * | Method and path | Who | What |
 * | --- | --- | --- |
 * | `PUT /providers/{address}` | the provider | register or refresh an offer (a heartbeat) |
 * | `GET /providers` | anyone | the registered providers |
 * | `POST /orders` | a tenant | place an order |
 * | `GET /orders?state=open&after=N&wait=S` | anyone | orders changed after sequence N, waiting up to S s |
 * | `GET /orders/{id}` | anyone | one order |
 * | `POST /orders/{id}/close` | its tenant | withdraw an order without a lease |
 * | `POST /orders/{id}/bids` | a provider | bid on an open order |
 * | `GET /orders/{id}/bids` | anyone | the bids on an order |
 * | `GET /bids?provider=A` | anyone | a provider's bids |
 * | `POST /leases` | the order's tenant | accept a bid: creates the lease, deposits the escrow |
 * | `GET /leases?tenant=A&provider=B&state=active` | anyone | leases |
 * | `GET /leases/{id}` | anyone | one lease, with its escrow as of now |
 * | `POST /leases/{id}/close` | its tenant or provider | close and settle the lease |
 * | `GET /accounts/{address}` | anyone | balances |
 * | `POST /accounts/{address}/credits` | an operator | credit an account |
 */
export class OrderBookClient {
  readonly http: SignedHttpClient;

  constructor(
    readonly url: string,
    key?: MarketplaceKey,
  ) {
    this.http = new SignedHttpClient(url, key, `the order book at ${url}`);
  }

  registerProvider(
    address: string,
    registration: { hostUri: string; offer: ProviderOfferRecord },
  ): Promise<ProviderRecord> {
    return this.http.json('PUT', `/providers/${address}`, { body: registration });
  }

  providers(): Promise<ProviderRecord[]> {
    return this.http.json('GET', '/providers', { signed: false });
  }

  placeOrder(order: { deployment: string; specification: OrderSpecification }): Promise<OrderRecord> {
    return this.http.json('POST', '/orders', { body: order });
  }

  orders(
    query: { state?: OrderState; after?: number; waitSeconds?: number; tenant?: string } = {},
    signal?: AbortSignal,
  ): Promise<OrderRecord[]> {
    const parameters = new URLSearchParams();
    if (query.state) parameters.set('state', query.state);
    if (query.after !== undefined) parameters.set('after', String(query.after));
    if (query.waitSeconds !== undefined) parameters.set('wait', String(query.waitSeconds));
    if (query.tenant) parameters.set('tenant', query.tenant);
    return this.http.json('GET', `/orders?${parameters}`, {
      signed: false,
      timeoutMilliseconds: ((query.waitSeconds ?? 0) + 15) * 1000,
      ...(signal ? { signal } : {}),
    });
  }

  order(id: string): Promise<OrderRecord> {
    return this.http.json('GET', `/orders/${encodeURIComponent(id)}`, { signed: false });
  }

  closeOrder(id: string): Promise<OrderRecord> {
    return this.http.json('POST', `/orders/${encodeURIComponent(id)}/close`, { body: {} });
  }

  bid(orderId: string, price: DecimalCoin): Promise<BidRecord> {
    return this.http.json('POST', `/orders/${encodeURIComponent(orderId)}/bids`, { body: { price } });
  }

  bids(orderId: string): Promise<BidRecord[]> {
    return this.http.json('GET', `/orders/${encodeURIComponent(orderId)}/bids`, { signed: false });
  }

  providerBids(provider: string): Promise<BidRecord[]> {
    return this.http.json('GET', `/bids?provider=${encodeURIComponent(provider)}`, { signed: false });
  }

  createLease(bidId: string): Promise<LeaseRecord> {
    return this.http.json('POST', '/leases', { body: { bidId } });
  }

  leases(
    query: { tenant?: string; provider?: string; state?: 'active' | 'closed' } = {},
  ): Promise<LeaseRecord[]> {
    const parameters = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== undefined));
    return this.http.json('GET', `/leases?${parameters}`, { signed: false });
  }

  lease(id: string): Promise<LeaseRecord> {
    return this.http.json('GET', `/leases/${encodeURIComponent(id)}`, { signed: false });
  }

  closeLease(id: string): Promise<LeaseRecord> {
    return this.http.json('POST', `/leases/${encodeURIComponent(id)}/close`, { body: {} });
  }

  account(address: string): Promise<AccountRecord> {
    return this.http.json('GET', `/accounts/${encodeURIComponent(address)}`, { signed: false });
  }

  credit(address: string, amount: DecimalCoin): Promise<AccountRecord> {
    return this.http.json('POST', `/accounts/${encodeURIComponent(address)}/credits`, { body: { amount } });
  }
}
