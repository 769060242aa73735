/**
 * `@icl/matchmaker`: which providers of a GPU marketplace can take an order, ranked, and why the
 * others cannot.
 *
 * ```ts
 * import { Matchmaker } from '@icl/matchmaker';
 *
 * const matchmaker = new Matchmaker(providerOffers);
 * const { candidates, rejections } = matchmaker.match(order, { prices: bids });
 * ```
 *
 * Pure and synchronous: it reads offers and orders and returns data. Orders come from
 * `@icl/manifest`; offers from providers (see `ProviderOffer`).
 */
export { attributeKeyMatches } from './attribute-glob';
export { describeGpuChoice, describeGpuKind, type GpuKind, gpuChoiceAccepts } from './gpu-kind';
export type { MatchableOrder } from './matchable-order';
export {
  type MatchCandidate,
  Matchmaker,
  type MatchOptions,
  type MatchResult,
  matchOrder,
} from './matchmaker';
export { gpuPrice, type PriceList, type PriceListSettings, readPriceList } from './price-list';
export type {
  AuditedAttributes,
  EndpointOffer,
  GpuOffer,
  NodeOffer,
  ProviderOffer,
  StorageClassOffer,
} from './provider-offer';
export { type RankingWeights, rankingScore } from './ranking-weights';
export type { Rejection, RejectionRule } from './rejection';
export type { ReplicaPlacement } from './replica-placement';
