import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type JsonObject } from '@icl/core';
import { type DeployManifest, type DeploymentOrder, parseDecimalAmount } from '@icl/manifest';
import { type MatchResult, matchOrder } from '@icl/matchmaker';
import { loadOrCreateMarketplaceKey, type MarketplaceKey } from './marketplace-key';
import { MarketplaceRequestError } from './marketplace-request-error';
import {
  type MarketplaceSettings,
  type ResolvedMarketplaceSettings,
  resolveMarketplaceSettings,
} from './marketplace-settings';
import { NoQualifyingProviderError } from './no-qualifying-provider-error';
import { OrderBookClient } from './order-book-client';
import type { BidRecord, LeaseRecord, OrderRecord, ProviderRecord } from './order-book-records';
import { ProviderClient } from './provider-client';
import type { LeaseEventRecord, LeaseLogRecord, LeaseStatusRecord } from './provider-records';
import { verifyProviderStatus } from './provider-status-proof';

/** One placement of a deployment, leased and running. */
export interface DeployedLease {
  readonly lease: LeaseRecord;
  readonly status: LeaseStatusRecord;
  /** Every service's URIs, by service name. */
  readonly uris: Readonly<Record<string, readonly string[]>>;
  /** What the matchmaker made of the bids: the ranking and every other provider's reason. */
  readonly match: MatchResult;
}

/** The outcome of {@link MarketplaceClient.deploy}. */
export interface Deployment {
  readonly deployment: string;
  readonly leases: readonly DeployedLease[];
}

/** Options of {@link MarketplaceClient.deploy}. */
export interface DeployOptions {
  /** Called with one line per step (order placed, bids, winner, manifest sent, ready). */
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
  /**
   * Whether to wait until the provider reports the services ready (default true). A program that runs
   * once may have ended before that; `false` returns once the manifest is sent.
   */
  readonly waitUntilReady?: boolean;
}

/**
 * A tenant on one market: deploys ICL deploy.yaml files (order → bids for a window → matchmaker →
 * lease → manifest to the winning provider → ready) and follows, updates and closes the leases.
 * Requests are signed with the tenant's key, which only the lease's provider and the order book see
 * the public half of.
 */
export class MarketplaceClient {
  readonly orderBook: OrderBookClient;

  /** Prefer {@link createMarketplaceClient}, which reads settings and the key file. */
  constructor(
    readonly settings: ResolvedMarketplaceSettings,
    readonly key: MarketplaceKey,
  ) {
    this.orderBook = new OrderBookClient(settings.orderBook, key);
  }

  /** The tenant's address, which owns its orders and leases (fund it to pay escrow). */
  get address(): string {
    return this.key.address;
  }

  /**
   * Deploys every placement of a manifest, each to the cheapest qualifying provider that bid within
   * the window. If a placement cannot be leased or does not become ready, the leases this call made
   * are closed again (their escrow returned) and the error says why.
   *
   * @throws NoQualifyingProviderError listing each provider's reason when no provider can take a placement.
   * @throws InvalidArgumentError for an Akash SDL (prices per block, no duration).
   * @throws MarketplaceRequestError when the order book or a provider refuses (an unfunded account).
   */
  async deploy(manifest: DeployManifest, options: DeployOptions = {}): Promise<Deployment> {
    const progress = options.onProgress ?? (() => undefined);
    for (const order of manifest.orders) {
      if (order.priceUnit !== 'hour' || order.durationSeconds === undefined) {
        throw new InvalidArgumentError({
          argument: manifest.file,
          message: `${manifest.file} is an Akash SDL (version ${manifest.version}): it prices per block and has no duration, and this marketplace leases by the hour for a duration.`,
          hint: 'Write it as an ICL deploy.yaml: version "1.0", profiles.duration, profiles.mode and token pricing.',
        });
      }
    }
    const deployment = `${manifest.name ?? 'deployment'}-${randomBytes(3).toString('hex')}`;
    const leased: LeaseRecord[] = [];
    try {
      const results = await Promise.all(
        manifest.orders.map((order) =>
          this.#deployPlacement(manifest, order, deployment, progress, leased, options),
        ),
      );
      return { deployment, leases: results };
    } catch (error) {
      for (const lease of leased) {
        await this.closeLease(lease.id).catch(() => undefined);
        progress(`closed lease ${lease.id} again; its escrow was returned`);
      }
      throw error;
    }
  }

  /**
   * Orders one placement and hands its manifest to the provider that wins. Only bids of providers that
   * prove their registration count (see `verifyProviderStatus`). A provider that wins but does not take
   * the manifest (unreachable, failing) loses the lease (closed, the escrow returned) and the placement
   * is ordered again without it, said in the progress; the deployment goes on with the next provider.
   */
  async #deployPlacement(
    manifest: DeployManifest,
    order: DeploymentOrder,
    deployment: string,
    progress: (message: string) => void,
    leased: LeaseRecord[],
    options: DeployOptions,
  ): Promise<DeployedLease> {
    const signal = options.signal;
    const { groupSpec, manifestGroup: _manifestGroup, ...matching } = order;
    // Providers left out of this placement, and why: unverified, or did not take the manifest.
    const excluded = new Map<string, string>();
    for (;;) {
      const placed = await this.orderBook.placeOrder({
        deployment,
        specification: { ...matching, durationSeconds: order.durationSeconds!, groupSpec },
      });
      progress(
        `order ${placed.id} placed for ${order.placement} (at most ${order.maximumPrice.amount} ${order.denom}/hour)`,
      );
      const collected = await this.#collectBids(placed, order, signal);
      const bidders = new Set(collected.bids.map((bid) => bid.provider));
      const checks = await Promise.all(
        collected.providers
          .filter((provider) => bidders.has(provider.address) && !excluded.has(provider.address))
          .map(async (provider) => [provider.address, await verifyProviderStatus(provider)] as const),
      );
      for (const [address, reason] of checks) if (reason !== undefined) excluded.set(address, reason);
      const bids = collected.bids.filter((bid) => !excluded.has(bid.provider));
      const providers = collected.providers.filter((provider) => !excluded.has(provider.address));
      const prices = new Map(bids.map((bid) => [bid.provider, parseDecimalAmount(bid.price.amount)!]));
      const matched = matchOrder(
        order,
        providers.map((provider) => provider.offer),
        { prices, weights: this.settings.weights },
      );
      const match: MatchResult = {
        ...matched,
        rejections: [
          ...matched.rejections,
          ...[...excluded].map(([provider, reason]) => ({ provider, rule: 'unverified' as const, reason })),
        ],
      };
      progress(
        `${collected.bids.length} ${collected.bids.length === 1 ? 'bid' : 'bids'} for ${order.placement} from ${collected.providers.length} providers${excluded.size > 0 ? `; not counted: ${[...excluded].map(([provider, reason]) => `${provider} ${reason}`).join('; ')}` : ''}`,
      );
      const winner = match.candidates[0];
      if (!winner) {
        await this.orderBook.closeOrder(placed.id).catch(() => undefined);
        throw new NoQualifyingProviderError({
          placement: order.placement,
          file: manifest.file,
          rejections: match.rejections,
        });
      }
      const bid = bids.find((candidate) => candidate.provider === winner.provider)!;
      let lease: LeaseRecord;
      try {
        lease = await this.orderBook.createLease(bid.id);
      } catch (error) {
        await this.orderBook.closeOrder(placed.id).catch(() => undefined);
        throw error;
      }
      leased.push(lease);
      progress(
        `lease ${lease.id} with ${lease.provider} at ${lease.price.amount} ${lease.price.denom}/hour; escrow ${lease.escrow.deposited} deposited`,
      );
      const provider = new ProviderClient(lease.providerUri, this.key);
      try {
        await provider.sendManifest(lease.id, order.manifestGroup);
      } catch (error) {
        // Refused for what the manifest says (4xx): the tenant's to fix, not the provider's.
        if (MarketplaceRequestError.isInstance(error) && error.status !== undefined && error.status < 500)
          throw error;
        await this.closeLease(lease.id).catch(() => undefined);
        leased.splice(leased.indexOf(lease), 1);
        const reason = `did not take the manifest (${(error as Error).message})`;
        excluded.set(lease.provider, reason);
        progress(
          `${lease.provider} ${reason}; lease ${lease.id} closed and its escrow returned; ordering ${order.placement} again without it`,
        );
        continue;
      }
      progress(`manifest sent to ${lease.providerUri}`);
      const status =
        options.waitUntilReady === false
          ? await provider.status(lease.id)
          : await this.#waitUntilReady(provider, lease.id, signal);
      const uris = Object.fromEntries(status.services.map((service) => [service.name, service.uris]));
      progress(`${order.placement} is ready`);
      return { lease, status, uris, match };
    }
  }

  /**
   * Bids on the order until the window closes, or sooner once every provider the matchmaker would
   * let take the order (seen in the last two minutes) has bid.
   */
  async #collectBids(
    order: OrderRecord,
    deploymentOrder: DeploymentOrder,
    signal: AbortSignal | undefined,
  ): Promise<{ bids: BidRecord[]; providers: ProviderRecord[] }> {
    const deadline = Date.now() + this.settings.bidWindowMilliseconds;
    const providers = await this.orderBook.providers();
    const fresh = new Set(
      providers
        .filter((provider) => Date.now() - Date.parse(provider.lastSeenAt) < 120_000)
        .map((provider) => provider.address),
    );
    for (;;) {
      signal?.throwIfAborted();
      const bids = (await this.orderBook.bids(order.id)).filter((bid) => bid.state === 'open');
      const prices = new Map(bids.map((bid) => [bid.provider, parseDecimalAmount(bid.price.amount)!]));
      const pending = matchOrder(
        deploymentOrder,
        providers.map((provider) => provider.offer),
        { prices },
      ).rejections.filter((rejection) => rejection.rule === 'no-price' && fresh.has(rejection.provider));
      if (pending.length === 0 || Date.now() >= deadline) return { bids, providers };
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
  }

  async #waitUntilReady(
    provider: ProviderClient,
    leaseId: string,
    signal: AbortSignal | undefined,
  ): Promise<LeaseStatusRecord> {
    const deadline = Date.now() + this.settings.readyMilliseconds;
    for (;;) {
      signal?.throwIfAborted();
      const status = await provider.status(leaseId);
      if (status.state === 'ready') return status;
      if (status.state === 'failed' || status.state === 'closed') {
        throw new MarketplaceRequestError({
          status: undefined,
          message: `Lease ${leaseId} ${status.state === 'failed' ? 'failed' : 'was closed'} on the provider: ${status.reason ?? 'no reason given'}.`,
          hint: `See what happened with \`icl lease events ${leaseId}\`.`,
        });
      }
      if (Date.now() > deadline) {
        throw new MarketplaceRequestError({
          status: undefined,
          message: `Lease ${leaseId} was not ready after ${this.settings.readyMilliseconds / 1000} s (it is ${status.state}).`,
          hint: 'Raise readySeconds in the market settings for large images.',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** The tenant's leases, oldest first. */
  leases(state?: 'active' | 'closed'): Promise<LeaseRecord[]> {
    return this.orderBook.leases({ tenant: this.key.address, ...(state ? { state } : {}) });
  }

  /**
   * The lease with this id, or the only one of the tenant's leases whose id starts with it.
   *
   * @throws InvalidArgumentError when none or several match.
   */
  async lease(idOrPrefix: string): Promise<LeaseRecord> {
    const leases = await this.leases();
    const exact = leases.find((lease) => lease.id === idOrPrefix);
    if (exact) return exact;
    const matching = leases.filter((lease) => lease.id.startsWith(idOrPrefix));
    if (matching.length === 1) return matching[0]!;
    try {
      if (matching.length === 0) return await this.orderBook.lease(idOrPrefix);
    } catch {
      // Reported below.
    }
    throw new InvalidArgumentError({
      argument: 'lease',
      message:
        matching.length === 0
          ? `There is no lease ${idOrPrefix} on market ${this.settings.market}.`
          : `${idOrPrefix} matches ${matching.length} leases: ${matching.map((lease) => lease.id).join(', ')}.`,
      hint: 'Run `icl leases` to list your leases.',
    });
  }

  /** The lease at the order book and its services on the provider. */
  async leaseStatus(idOrPrefix: string): Promise<{ lease: LeaseRecord; status: LeaseStatusRecord }> {
    const lease = await this.lease(idOrPrefix);
    return { lease, status: await this.#provider(lease).status(lease.id) };
  }

  async leaseEvents(idOrPrefix: string): Promise<LeaseEventRecord[]> {
    const lease = await this.lease(idOrPrefix);
    return this.#provider(lease).events(lease.id);
  }

  async *leaseLogs(
    idOrPrefix: string,
    options: { follow?: boolean; service?: string; signal?: AbortSignal } = {},
  ): AsyncGenerator<LeaseLogRecord> {
    const lease = await this.lease(idOrPrefix);
    yield* this.#provider(lease).logs(lease.id, options);
  }

  /** Sends a new manifest for a lease (its placement in `manifest`); the provider replaces the services. */
  async updateLease(idOrPrefix: string, manifest: DeployManifest): Promise<LeaseStatusRecord> {
    const lease = await this.lease(idOrPrefix);
    const order = manifest.orders.find((candidate) => candidate.placement === lease.placement);
    if (!order) {
      throw new InvalidArgumentError({
        argument: manifest.file,
        message: `${manifest.file} has no placement ${lease.placement}, the placement of lease ${lease.id}.`,
        hint: `Update with the manifest the lease was deployed from (placements: ${manifest.orders.map((candidate) => candidate.placement).join(', ')}).`,
      });
    }
    const provider = this.#provider(lease);
    await provider.sendManifest(lease.id, order.manifestGroup);
    return this.#waitUntilReady(provider, lease.id, undefined);
  }

  /**
   * Closes a lease: the order book settles the escrow (the provider paid for the time used, the rest
   * returned to the tenant), then the provider stops the services at once (it would also see the
   * lease closed on its next look at the order book). A provider that cannot be reached does not stop
   * the settlement.
   */
  async closeLease(idOrPrefix: string): Promise<LeaseRecord> {
    const lease = await this.lease(idOrPrefix);
    const closed = await this.orderBook.closeLease(lease.id);
    if (lease.state === 'active')
      await this.#provider(lease)
        .close(lease.id)
        .catch(() => undefined);
    return closed;
  }

  #provider(lease: LeaseRecord): ProviderClient {
    return new ProviderClient(lease.providerUri, this.key);
  }
}

/**
 * A tenant client for the market an infrastructure's settings name.
 *
 * @param settings The `market` infrastructure's settings (with `target` from `market:NAME`).
 * @param stateDirectory Where the tenant key is kept unless `keyFile` says otherwise.
 */
export async function createMarketplaceClient(
  settings: JsonObject | MarketplaceSettings,
  stateDirectory: string,
): Promise<MarketplaceClient> {
  const resolved = resolveMarketplaceSettings(settings, stateDirectory);
  const key = await loadOrCreateMarketplaceKey(resolved.keyFile);
  return new MarketplaceClient(resolved, key);
}
