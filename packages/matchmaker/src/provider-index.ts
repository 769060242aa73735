import { attributeKeyMatches, isAttributeGlob } from './attribute-glob';
import { type GpuKind, gpuKindKey } from './gpu-kind';
import { gpuPrice, type PriceList } from './price-list';
import type { ProviderOffer } from './provider-offer';
import { ProviderSet } from './provider-set';

/**
 * One provider's nodes in flat arrays, so fitting replicas allocates nothing: per node its free CPU,
 * memory and ephemeral storage; its GPU slots (one per kind on the node) are
 * `gpuSlotStart[node]` to `gpuSlotStart[node + 1]` in `gpuSlotKind` and `gpuSlotAvailable`.
 */
export interface IndexedNodes {
  readonly names: readonly string[];
  readonly cpuMillis: Float64Array;
  readonly memoryBytes: Float64Array;
  readonly ephemeralBytes: Float64Array;
  readonly gpuSlotStart: Int32Array;
  /** The GPU kind of each slot, an index into `ProviderIndex.gpuKinds`. */
  readonly gpuSlotKind: Int32Array;
  readonly gpuSlotAvailable: Float64Array;
  /** Per node, its CPU attributes as `key=value`. */
  readonly cpuAttributes: readonly ReadonlySet<string>[];
}

/**
 * A provider's price list in two forms: exact, and as floating-point numbers that rank candidates
 * without allocating (exact prices are computed only where two candidates are too close to tell or a
 * price is too close to the maximum).
 */
export interface IndexedPrices {
  readonly exact: PriceList;
  readonly cpu: number;
  readonly memoryGibibyte: number;
  readonly storageGibibyte: number;
  readonly storageClassGibibyte: ReadonlyMap<string, number>;
  /** Per GPU kind id of the index, the price of one GPU, NaN where the list has none. */
  readonly gpuByKind: Float64Array;
}

/**
 * The providers of a market, indexed once so that each order is matched by intersecting sets instead
 * of checking every provider field by field: by mode, tier, token, region, placement attribute,
 * storage class, GPU kind and HTTP ingress.
 */
export class ProviderIndex {
  readonly offers: readonly ProviderOffer[];
  readonly size: number;
  /** Lower-case address → index. */
  readonly byAddress = new Map<string, number>();
  readonly nodes: readonly IndexedNodes[];
  readonly gpuKinds: GpuKind[] = [];
  readonly gpuKindIds = new Map<string, number>();
  /** Providers with at least one node that has the GPU kind (by kind id). */
  readonly byGpuKind: ProviderSet[] = [];
  /** Per provider, free bytes per persistent storage class. */
  readonly storageAvailable: readonly ReadonlyMap<string, number>[];
  /** Per provider, its prices, or undefined without a price list. */
  readonly prices: readonly (IndexedPrices | undefined)[];
  /** The most nodes and GPU slots any provider has, for scratch space. */
  readonly largestNodeCount: number;
  readonly largestGpuSlotCount: number;

  readonly fizz: ProviderSet;
  readonly byTier = new Map<number, ProviderSet>();
  readonly byToken = new Map<string, ProviderSet>();
  readonly byRegion = new Map<string, ProviderSet>();
  readonly byStorageClass = new Map<string, ProviderSet>();
  /** `key\u0000value` → providers with that placement attribute. */
  readonly byAttribute = new Map<string, ProviderSet>();
  readonly withSharedHttp: ProviderSet;
  readonly all: ProviderSet;

  readonly #attributeSets = new Map<string, ProviderSet>();

  constructor(offers: readonly ProviderOffer[]) {
    this.offers = offers;
    this.size = offers.length;
    this.fizz = new ProviderSet(this.size);
    this.withSharedHttp = new ProviderSet(this.size);
    this.all = ProviderSet.full(this.size);
    const nodes: IndexedNodes[] = [];
    const storage: Map<string, number>[] = [];
    offers.forEach((offer, index) => {
      this.byAddress.set(offer.address.toLowerCase(), index);
      if (offer.mode === 'fizz') this.fizz.add(index);
      this.#member(this.byTier, offer.tier).add(index);
      for (const token of offer.tokens) this.#member(this.byToken, token.toLowerCase()).add(index);
      this.#member(this.byRegion, offer.region.toLowerCase()).add(index);
      this.#member(this.byAttribute, `region\u0000${offer.region}`).add(index);
      for (const attribute of offer.attributes ?? []) {
        this.#member(this.byAttribute, `${attribute.key}\u0000${attribute.value}`).add(index);
      }
      const classes = new Map<string, number>();
      for (const offered of offer.storageClasses ?? []) {
        classes.set(offered.storageClass, (classes.get(offered.storageClass) ?? 0) + offered.availableBytes);
        this.#member(this.byStorageClass, offered.storageClass).add(index);
      }
      storage.push(classes);
      if (offer.endpoints === undefined || offer.endpoints.sharedHttp) this.withSharedHttp.add(index);
      nodes.push(this.#indexNodes(offer, index));
    });
    this.nodes = nodes;
    this.storageAvailable = storage;
    this.largestNodeCount = Math.max(0, ...nodes.map((indexed) => indexed.names.length));
    this.largestGpuSlotCount = Math.max(0, ...nodes.map((indexed) => indexed.gpuSlotKind.length));
    this.prices = offers.map((offer) => (offer.pricing ? this.#indexPrices(offer.pricing) : undefined));
  }

  #indexPrices(prices: PriceList): IndexedPrices {
    const gpuByKind = new Float64Array(this.gpuKinds.length).fill(Number.NaN);
    this.gpuKinds.forEach((kind, id) => {
      const price = gpuPrice(prices, kind.model);
      if (price !== undefined) gpuByKind[id] = Number(price);
    });
    return {
      exact: prices,
      cpu: Number(prices.cpu),
      memoryGibibyte: Number(prices.memoryGibibyte),
      storageGibibyte: Number(prices.storageGibibyte),
      storageClassGibibyte: new Map(
        Object.entries(prices.storageClassGibibyte).map(([name, price]) => [name, Number(price)]),
      ),
      gpuByKind,
    };
  }

  /** The providers whose placement attributes include one matching `key` (a glob) with `value`. */
  attributeSet(key: string, value: string): ProviderSet {
    const cacheKey = `${key}\u0000${value}`;
    let set = this.#attributeSets.get(cacheKey);
    if (set !== undefined) return set;
    if (!isAttributeGlob(key)) set = this.byAttribute.get(cacheKey) ?? new ProviderSet(this.size);
    else {
      set = new ProviderSet(this.size);
      for (const [indexed, members] of this.byAttribute) {
        const separator = indexed.indexOf('\u0000');
        if (indexed.slice(separator + 1) === value && attributeKeyMatches(key, indexed.slice(0, separator))) {
          set.unite(members);
        }
      }
    }
    this.#attributeSets.set(cacheKey, set);
    return set;
  }

  #indexNodes(offer: ProviderOffer, index: number): IndexedNodes {
    const count = offer.nodes.length;
    const slots = offer.nodes.reduce((sum, node) => sum + (node.gpus?.length ?? 0), 0);
    const indexed: IndexedNodes = {
      names: offer.nodes.map((node) => node.name),
      cpuMillis: new Float64Array(count),
      memoryBytes: new Float64Array(count),
      ephemeralBytes: new Float64Array(count),
      gpuSlotStart: new Int32Array(count + 1),
      gpuSlotKind: new Int32Array(slots),
      gpuSlotAvailable: new Float64Array(slots),
      cpuAttributes: offer.nodes.map(
        (node) =>
          new Set((node.cpuAttributes ?? []).map((attribute) => `${attribute.key}=${attribute.value}`)),
      ),
    };
    let slot = 0;
    offer.nodes.forEach((node, nodeIndex) => {
      indexed.cpuMillis[nodeIndex] = node.cpuMillis;
      indexed.memoryBytes[nodeIndex] = node.memoryBytes;
      indexed.ephemeralBytes[nodeIndex] = node.ephemeralStorageBytes;
      indexed.gpuSlotStart[nodeIndex] = slot;
      for (const gpu of node.gpus ?? []) {
        const key = gpuKindKey(gpu);
        let kind = this.gpuKindIds.get(key);
        if (kind === undefined) {
          kind = this.gpuKinds.length;
          this.gpuKinds.push({
            vendor: gpu.vendor.toLowerCase(),
            model: gpu.model.toLowerCase(),
            ramBytes: gpu.ramBytes,
            interface: gpu.interface,
          });
          this.gpuKindIds.set(key, kind);
          this.byGpuKind.push(new ProviderSet(this.size));
        }
        indexed.gpuSlotKind[slot] = kind;
        indexed.gpuSlotAvailable[slot] = gpu.available;
        if (gpu.available > 0) this.byGpuKind[kind]!.add(index);
        slot++;
      }
    });
    indexed.gpuSlotStart[count] = slot;
    return indexed;
  }

  #member<Key>(map: Map<Key, ProviderSet>, key: Key): ProviderSet {
    let set = map.get(key);
    if (set === undefined) {
      set = new ProviderSet(this.size);
      map.set(key, set);
    }
    return set;
  }
}
