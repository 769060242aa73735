import { formatDecimalAmount } from '@icl/manifest';
import { describeGpuKind, formatGibibytes } from './gpu-kind';
import { estimateGroupPrice, groupPrice, tooCloseToTell } from './group-price';
import type { MatchableOrder } from './matchable-order';
import { type CompiledOrder, compileOrder } from './order-filter';
import { gpuPrice } from './price-list';
import { type IndexedPrices, ProviderIndex } from './provider-index';
import type { ProviderOffer } from './provider-offer';
import { type RankingWeights, rankingScore } from './ranking-weights';
import type { Rejection } from './rejection';
import { type FitShortfall, ReplicaFitter, type ReplicaPlacement } from './replica-placement';

/** Options of {@link Matchmaker.match}. */
export interface MatchOptions {
  /**
   * The price of each provider for the whole order per hour (or block), in 10⁻¹⁸ units of the order's
   * token, by address (lower or mixed case): the bids, on a tenant's side. Providers without an entry
   * are rejected (`no-price`, "did not bid"). Without this map, prices come from each provider's
   * price list.
   */
  readonly prices?: ReadonlyMap<string, bigint>;
  /** Collect a reason for every provider that does not qualify. Default true. */
  readonly explain?: boolean;
  /** Say on which node each replica would run. Default false. */
  readonly placements?: boolean;
  /** Let reputation and uptime count against price. Default: rank by price alone. */
  readonly weights?: RankingWeights;
  /**
   * Keep only the best this many candidates (an auction needs the winner and a few runners-up); the
   * others are dropped without being priced exactly. Default: every candidate.
   */
  readonly limit?: number;
}

/** A provider that can take the order, at a price within the maximum. */
export interface MatchCandidate {
  readonly provider: string;
  /** For the whole order per price unit, in 10⁻¹⁸ units of the order's token. */
  readonly price: bigint;
  /** What the candidates are ranked by: the price, or with weights the price raised by the record's shortfall. */
  readonly score: number;
  /** Where each replica would run, when asked for. */
  readonly replicas?: readonly ReplicaPlacement[];
}

/** The outcome of matching one order. */
export interface MatchResult {
  readonly placement: string;
  /** The qualifying providers, best first: lowest score, then lowest price, then higher reputation and uptime, then address. */
  readonly candidates: readonly MatchCandidate[];
  /** Every other provider with the first rule it fails, sorted by address; empty unless `explain`. */
  readonly rejections: readonly Rejection[];
}

/**
 * Matches orders with the providers of a market. Built once from the providers' offers, it indexes
 * them (by mode, tier, token, region, attribute, storage class, GPU kind) so each order costs a few set
 * intersections plus fitting and pricing the providers that pass them.
 *
 * The rules are Akash's bid rules (placement attributes as a glob subset of the provider's, persistent
 * storage classes the provider offers, GPUs by vendor/model/ram/interface with `*` for any model, every
 * replica on one node with all of its GPUs), Spheron's filters (mode, tier, token, region and excluded
 * regions, desired and excluded providers, fizz bandwidth) and the order's maximum price.
 */
export class Matchmaker {
  readonly #index: ProviderIndex;
  readonly #fitter: ReplicaFitter;

  constructor(providers: readonly ProviderOffer[]) {
    this.#index = new ProviderIndex(providers);
    this.#fitter = new ReplicaFitter(this.#index);
  }

  /** The providers, in the order given. */
  get providers(): readonly ProviderOffer[] {
    return this.#index.offers;
  }

  match(order: MatchableOrder, options: MatchOptions = {}): MatchResult {
    const index = this.#index;
    const compiled = compileOrder(order, index);
    const explain = options.explain ?? true;
    const weights = options.weights ?? {};
    const weighted = (weights.reputation ?? 0) !== 0 || (weights.uptime ?? 0) !== 0;
    const bids = options.prices ? lowerCaseKeys(options.prices) : undefined;
    const replicaCount = compiled.units.reduce((sum, unit) => sum + unit.count, 0);
    const hasGpus = compiled.units.some((unit) => unit.gpuUnits > 0);
    const placedNodes = new Int32Array(replicaCount);
    const placedKinds = new Int32Array(replicaCount);
    const maximum = Number(compiled.maximumPrice);
    const limit = options.limit;
    const candidates: Candidate[] = [];
    const rejections: Rejection[] = [];

    compiled.candidates.forEach((providerIndex) => {
      const provider = index.offers[providerIndex]!;
      const prices = bids === undefined ? index.prices[providerIndex] : undefined;
      const shortfall = this.#fitter.fit(
        providerIndex,
        compiled.units,
        prices?.gpuByKind,
        placedNodes,
        placedKinds,
      );
      if (shortfall !== undefined) {
        if (explain) {
          rejections.push({
            provider: provider.address,
            rule: 'capacity',
            reason: capacityReason(compiled, shortfall, provider, prices !== undefined),
          });
        }
        return;
      }
      let exact: bigint | undefined;
      let estimate: number;
      if (bids !== undefined) {
        exact = bids.get(provider.address.toLowerCase());
        if (exact === undefined) {
          if (explain)
            rejections.push({ provider: provider.address, rule: 'no-price', reason: 'did not bid' });
          return;
        }
        estimate = Number(exact);
      } else if (prices !== undefined) {
        estimate = estimateGroupPrice(prices, compiled.units, placedKinds);
      } else {
        if (explain)
          rejections.push({ provider: provider.address, rule: 'no-price', reason: 'has no price list' });
        return;
      }
      const score = weighted
        ? rankingScore(estimate, weights, provider.reputation, provider.uptime)
        : estimate;
      if (limit !== undefined && candidates.length >= limit) {
        const worst = candidates[candidates.length - 1]!;
        const against = weighted ? worst.score : worst.estimate;
        if (score > against && !tooCloseToTell(score, against)) return;
      }
      const kinds = hasGpus ? placedKinds.slice() : placedKinds;
      const candidate = new Candidate(provider, estimate, exact, prices, compiled, index, kinds);
      if (estimate > maximum || tooCloseToTell(estimate, maximum)) {
        if (candidate.price > compiled.maximumPrice) {
          if (explain) {
            rejections.push({
              provider: provider.address,
              rule: 'price',
              reason: `asks ${formatDecimalAmount(candidate.price)} ${order.denom} per ${order.priceUnit}, above the order's maximum of ${order.maximumPrice.amount}`,
            });
          }
          return;
        }
      }
      candidate.score = score;
      if (options.placements) {
        candidate.replicas = describePlacements(compiled, index, providerIndex, placedNodes, placedKinds);
      }
      if (limit === undefined) candidates.push(candidate);
      else {
        // Kept sorted, best first, at most `limit` long.
        let position = candidates.length;
        while (position > 0 && compareCandidates(candidate, candidates[position - 1]!, weighted) < 0)
          position--;
        if (position < limit) {
          candidates.splice(position, 0, candidate);
          if (candidates.length > limit) candidates.pop();
        }
      }
    });

    if (explain) {
      index.offers.forEach((provider, providerIndex) => {
        if (compiled.candidates.has(providerIndex)) return;
        const failed = compiled.filters.find((filter) => !filter.passing.has(providerIndex))!;
        rejections.push({ provider: provider.address, rule: failed.rule, reason: failed.explain(provider) });
      });
      rejections.sort((left, right) => compareText(left.provider, right.provider));
    }
    if (limit === undefined) sortCandidates(candidates, weighted);
    return {
      placement: order.placement,
      candidates: candidates.map((candidate) => candidate.result()),
      rejections,
    };
  }
}

/**
 * Best first: lowest score (with weights), then lowest price (exact where the estimates are too close
 * to tell), then higher reputation, higher uptime, and the address.
 */
function compareCandidates(left: Candidate, right: Candidate, weighted: boolean): number {
  if (weighted && left.score !== right.score && !tooCloseToTell(left.score, right.score)) {
    return left.score - right.score;
  }
  if (!tooCloseToTell(left.estimate, right.estimate)) return left.estimate - right.estimate;
  const leftPrice = left.price;
  const rightPrice = right.price;
  if (leftPrice !== rightPrice) return leftPrice < rightPrice ? -1 : 1;
  const reputation = (right.offer.reputation ?? 0) - (left.offer.reputation ?? 0);
  if (reputation !== 0) return reputation;
  const uptime = (right.offer.uptime ?? 0) - (left.offer.uptime ?? 0);
  if (uptime !== 0) return uptime;
  return compareText(left.provider, right.provider);
}

/**
 * Sorts candidates best first, as {@link compareCandidates} would, faster: by their ranking numbers
 * first, then each run of neighbours too close to tell apart again with the full comparison (exact
 * prices, then the tie-breaks). Neighbours farther apart than the estimates' error are in the same
 * order as their exact prices, so the result is the exact order.
 */
function sortCandidates(candidates: Candidate[], weighted: boolean): void {
  const count = candidates.length;
  if (count < 2) return;
  const keys = new Float64Array(count);
  for (let position = 0; position < count; position++) {
    keys[position] = weighted ? candidates[position]!.score : candidates[position]!.estimate;
  }
  const order = new Uint32Array(count);
  for (let position = 0; position < count; position++) order[position] = position;
  order.sort((left, right) => keys[left]! - keys[right]!);
  const sorted = Array.from(order, (position) => candidates[position]!);
  let start = 0;
  for (let position = 1; position <= count; position++) {
    const runEnds =
      position === count || !tooCloseToTell(keys[order[position - 1]!]!, keys[order[position]!]!);
    if (!runEnds) continue;
    if (position - start > 1) {
      const run = sorted
        .slice(start, position)
        .sort((left, right) => compareCandidates(left, right, weighted));
      for (let offset = 0; offset < run.length; offset++) sorted[start + offset] = run[offset]!;
    }
    start = position;
  }
  for (let position = 0; position < count; position++) candidates[position] = sorted[position]!;
}

/** A qualifying provider while ranking; its exact price is computed when first needed. */
class Candidate {
  readonly provider: string;
  score = 0;
  replicas: readonly ReplicaPlacement[] | undefined;

  constructor(
    readonly offer: ProviderOffer,
    readonly estimate: number,
    public exact: bigint | undefined,
    private readonly prices: IndexedPrices | undefined,
    private readonly compiled: CompiledOrder,
    private readonly index: ProviderIndex,
    private readonly gpuKinds: Int32Array,
  ) {
    this.provider = offer.address;
  }

  get price(): bigint {
    this.exact ??= groupPrice(this.prices!, this.compiled.units, this.index.gpuKinds, this.gpuKinds)!;
    return this.exact;
  }

  result(): MatchCandidate {
    return {
      provider: this.provider,
      price: this.price,
      score: this.score,
      ...(this.replicas ? { replicas: this.replicas } : {}),
    };
  }
}

/**
 * Matches one order against providers without keeping an index: for a single order, or a provider
 * checking whether it can bid.
 */
export function matchOrder(
  order: MatchableOrder,
  providers: readonly ProviderOffer[],
  options?: MatchOptions,
): MatchResult {
  return new Matchmaker(providers).match(order, options);
}

function lowerCaseKeys(prices: ReadonlyMap<string, bigint>): Map<string, bigint> {
  return new Map([...prices].map(([address, price]) => [address.toLowerCase(), price]));
}

function compareText(left: string, right: string): number {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

function capacityReason(
  compiled: CompiledOrder,
  { unit: unitIndex, placed }: FitShortfall,
  provider: ProviderOffer,
  byPriceList: boolean,
): string {
  const unit = compiled.units[unitIndex]!;
  const order = compiled.order.resources[unitIndex]!;
  const needs = [
    `${unit.cpuMillis / 1000} CPU`,
    `${formatGibibytes(unit.memoryBytes)} memory`,
    ...(unit.ephemeralBytes > 0 ? [`${formatGibibytes(unit.ephemeralBytes)} disk`] : []),
    ...unit.persistent.map((volume) => `${formatGibibytes(volume.bytes)} ${volume.storageClass}`),
    ...(unit.gpuUnits > 0 ? [`${unit.gpuUnits} GPU`] : []),
  ].join(', ');
  const unpriced =
    byPriceList && provider.pricing && unit.gpuUnits > 0
      ? provider.nodes
          .flatMap((node) => node.gpus ?? [])
          .filter((gpu) => gpuPrice(provider.pricing!, gpu.model.toLowerCase()) === undefined)
          .map(describeGpuKind)
      : [];
  const note = unpriced.length > 0 ? ` (it has no price for ${[...new Set(unpriced)].join(', ')})` : '';
  const largest = provider.nodes.reduce(
    (best, node) => (node.cpuMillis > best.cpuMillis ? node : best),
    provider.nodes[0] ?? { cpuMillis: 0, memoryBytes: 0, name: '' },
  );
  const free = provider.nodes.length
    ? `; its roomiest node has ${largest.cpuMillis / 1000} CPU and ${formatGibibytes(largest.memoryBytes)} memory free`
    : '; it has no nodes';
  if (placed > 0) {
    return `has room for ${placed} of ${order.count} replicas of ${unit.services} (${needs} each, on one node)${note}`;
  }
  return `has no node with room for one replica of ${unit.services} (${needs}, on one node)${note}${free}`;
}

function describePlacements(
  compiled: CompiledOrder,
  index: ProviderIndex,
  providerIndex: number,
  placedNodes: Int32Array,
  placedKinds: Int32Array,
): ReplicaPlacement[] {
  const names = index.nodes[providerIndex]!.names;
  const placements: ReplicaPlacement[] = [];
  let replica = 0;
  compiled.units.forEach((unit, unitIndex) => {
    for (let copy = 0; copy < unit.count; copy++, replica++) {
      const kind = index.gpuKinds[placedKinds[replica]!];
      placements.push({
        unit: unitIndex,
        node: names[placedNodes[replica]!]!,
        ...(kind ? { gpu: { vendor: kind.vendor, model: kind.model, units: unit.gpuUnits } } : {}),
      });
    }
  });
  return placements;
}
