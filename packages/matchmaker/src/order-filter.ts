import { InvalidArgumentError } from '@icl/core';
import { parseDecimalAmount } from '@icl/manifest';
import { attributeKeyMatches } from './attribute-glob';
import { describeGpuChoice, describeGpuKind, gpuChoiceAccepts } from './gpu-kind';
import type { MatchableOrder } from './matchable-order';
import type { ProviderIndex } from './provider-index';
import type { ProviderOffer } from './provider-offer';
import { ProviderSet } from './provider-set';
import type { RejectionRule } from './rejection';

/** One check of an order, as the set of providers that pass it and how to explain a failure. */
export interface OrderFilter {
  readonly rule: RejectionRule;
  readonly passing: ProviderSet;
  /** Why `provider` is not in `passing`, as a sentence without the provider's name. */
  explain(provider: ProviderOffer): string;
}

/** An order's resource unit, with what fitting and pricing it needs worked out once. */
export interface CompiledUnit {
  readonly services: string;
  readonly count: number;
  readonly cpuMillis: number;
  /** Memory plus `ram`-class volumes (shared memory), which live in memory. */
  readonly memoryBytes: number;
  readonly ephemeralBytes: number;
  /** Persistent volumes by storage class. */
  readonly persistent: ReadonlyArray<{ readonly storageClass: string; readonly bytes: number }>;
  readonly cpuAttributes: readonly string[];
  readonly gpuUnits: number;
  /** For each GPU kind id of the index, whether the unit accepts it. */
  readonly acceptedGpuKinds: Uint8Array;
  readonly memoryBytesBig: bigint;
  readonly ramVolumeBytesBig: bigint;
  readonly ephemeralBytesBig: bigint;
  readonly cpuMillisBig: bigint;
  readonly countBig: bigint;
  readonly gpuUnitsBig: bigint;
}

/** Everything matching one order against one index needs, computed once per order. */
export interface CompiledOrder {
  readonly order: MatchableOrder;
  readonly maximumPrice: bigint;
  readonly filters: readonly OrderFilter[];
  /** The providers passing every filter: the ones worth fitting and pricing. */
  readonly candidates: ProviderSet;
  readonly units: readonly CompiledUnit[];
}

/**
 * Works out an order's filters against the index, in the order a rejection is reported: mode, desired
 * and excluded providers, tier, token, region, excluded regions, placement attributes (each a glob
 * subset of the provider's, Akash's rule), auditors, storage classes, GPU kinds, endpoints, bandwidth.
 *
 * @throws InvalidArgumentError when the order's maximum price is not a decimal amount.
 */
export function compileOrder(order: MatchableOrder, index: ProviderIndex): CompiledOrder {
  const maximumPrice = parseDecimalAmount(order.maximumPrice.amount);
  if (maximumPrice === undefined) {
    throw new InvalidArgumentError({
      argument: 'maximumPrice',
      message: `The order for ${order.placement} has a maximum price that is not a decimal amount: ${JSON.stringify(order.maximumPrice.amount)}.`,
      hint: 'Build orders with @icl/manifest, which writes prices with 18 decimal places.',
    });
  }
  const filters: OrderFilter[] = [];
  const requirements = order.requirements;
  const size = index.size;

  const fizzOrder = order.mode === 'fizz';
  filters.push({
    rule: 'mode',
    passing: fizzOrder ? index.fizz : index.all.copy().subtract(index.fizz),
    explain: () =>
      fizzOrder ? 'is a provider; the order is for fizz nodes' : 'is a fizz node; the order is for providers',
  });

  const desiredLists: Array<[readonly string[], string]> = [
    [requirements.desiredProviders, 'desired_provider'],
  ];
  if (fizzOrder) desiredLists.push([requirements.desiredFizzNodes, 'desired_fizz']);
  for (const [desired, field] of desiredLists) {
    if (desired.length === 0) continue;
    filters.push({
      rule: 'desired-provider',
      passing: addressSet(index, desired),
      explain: () =>
        `is not one of the ${field === 'desired_fizz' ? 'fizz nodes' : 'providers'} the order names (${field})`,
    });
  }
  if (requirements.excludedProviders.length > 0) {
    filters.push({
      rule: 'excluded-provider',
      passing: index.all.copy().subtract(addressSet(index, requirements.excludedProviders)),
      explain: () => 'is excluded by the order (provider_exclude)',
    });
  }

  const tiers = new ProviderSet(size);
  for (const tier of order.tiers) {
    const members = index.byTier.get(tier);
    if (members) tiers.unite(members);
  }
  filters.push({
    rule: 'tier',
    passing: tiers,
    explain: (provider) => `is tier ${provider.tier}; the order allows tiers ${order.tiers.join(', ')}`,
  });

  filters.push({
    rule: 'token',
    passing: index.byToken.get(order.denom.toLowerCase()) ?? new ProviderSet(size),
    explain: (provider) =>
      `does not accept ${order.denom} (accepts ${provider.tokens.join(', ') || 'nothing'})`,
  });

  if (requirements.region !== undefined) {
    const region = requirements.region;
    filters.push({
      rule: 'region',
      passing: index.byRegion.get(region.toLowerCase()) ?? new ProviderSet(size),
      explain: (provider) => `is in ${provider.region}; the order asks for ${region}`,
    });
  }
  if (requirements.excludedRegions.length > 0) {
    const excluded = new ProviderSet(size);
    for (const region of requirements.excludedRegions) {
      const members = index.byRegion.get(region.toLowerCase());
      if (members) excluded.unite(members);
    }
    filters.push({
      rule: 'excluded-region',
      passing: index.all.copy().subtract(excluded),
      explain: (provider) => `is in ${provider.region}, which the order excludes (region_exclude)`,
    });
  }

  if (requirements.attributes.length > 0) {
    const passing = index.all.copy();
    for (const attribute of requirements.attributes) {
      passing.intersect(index.attributeSet(attribute.key, attribute.value));
    }
    filters.push({
      rule: 'attributes',
      passing,
      explain: (provider) => {
        const offered = [{ key: 'region', value: provider.region }, ...(provider.attributes ?? [])];
        const missing = requirements.attributes
          .filter(
            (required) =>
              !offered.some(
                (attribute) =>
                  attribute.value === required.value && attributeKeyMatches(required.key, attribute.key),
              ),
          )
          .map((attribute) => `${attribute.key}=${attribute.value}`);
        return `lacks the ${missing.length === 1 ? 'attribute' : 'attributes'} ${missing.join(', ')}`;
      },
    });
  }

  const { allOf, anyOf } = requirements.signedBy;
  if (allOf.length > 0 || anyOf.length > 0) {
    const passing = new ProviderSet(size);
    index.offers.forEach((provider, providerIndex) => {
      if (signedFor(provider, requirements.attributes, allOf, anyOf)) passing.add(providerIndex);
    });
    filters.push({
      rule: 'signed-by',
      passing,
      explain: () =>
        allOf.length > 0
          ? `does not have the order's attributes signed by all of ${allOf.join(', ')}`
          : `does not have the order's attributes signed by any of ${anyOf.join(', ')}`,
    });
  }

  const units = order.resources.map((unit) => compileUnit(unit, index));
  const classes = [...new Set(units.flatMap((unit) => unit.persistent.map((volume) => volume.storageClass)))];
  if (classes.length > 0) {
    const passing = index.all.copy();
    for (const storageClass of classes) {
      passing.intersect(index.byStorageClass.get(storageClass) ?? new ProviderSet(size));
    }
    filters.push({
      rule: 'storage-class',
      passing,
      explain: (provider) => {
        const offered = new Set((provider.storageClasses ?? []).map((offer) => offer.storageClass));
        const missing = classes.find((storageClass) => !offered.has(storageClass));
        return `offers no persistent storage of class ${missing}${offered.size > 0 ? ` (offers ${[...offered].join(', ')})` : ''}`;
      },
    });
  }

  const gpuUnits = order.resources.filter((unit) => unit.gpu.units > 0);
  if (gpuUnits.length > 0) {
    const passing = index.all.copy();
    for (const unit of units) {
      if (unit.gpuUnits === 0) continue;
      const accepted = new ProviderSet(size);
      unit.acceptedGpuKinds.forEach((yes, kind) => {
        if (yes) accepted.unite(index.byGpuKind[kind]!);
      });
      passing.intersect(accepted);
    }
    filters.push({
      rule: 'gpu',
      passing,
      explain: (provider) => {
        const unit = gpuUnits.find((candidate) => !offersAcceptedGpu(provider, candidate.gpu.choices));
        const wanted = unit?.gpu.choices.map(describeGpuChoice).join(' or ') || 'any GPU';
        const kinds = new Map<string, string>();
        for (const node of provider.nodes) {
          for (const gpu of node.gpus ?? []) {
            if (gpu.available > 0) kinds.set(describeGpuKind(gpu), describeGpuKind(gpu));
          }
        }
        const has = kinds.size > 0 ? `it has ${[...kinds.values()].join(', ')} free` : 'it has no free GPU';
        return `has no GPU the order accepts (${wanted}); ${has}`;
      },
    });
  }

  const endpoints = order.resources.reduce(
    (sum, unit) => ({
      sharedHttp: sum.sharedHttp + unit.endpoints.sharedHttp,
      randomPorts: sum.randomPorts + unit.endpoints.randomPorts * unit.count,
      leasedIps: sum.leasedIps + unit.endpoints.leasedIps,
    }),
    { sharedHttp: 0, randomPorts: 0, leasedIps: 0 },
  );
  if (endpoints.sharedHttp > 0 || endpoints.randomPorts > 0 || endpoints.leasedIps > 0) {
    let passing = endpoints.sharedHttp > 0 ? index.withSharedHttp : index.all;
    if (endpoints.randomPorts > 0 || endpoints.leasedIps > 0) {
      passing = passing.copy();
      index.offers.forEach((provider, providerIndex) => {
        const offer = provider.endpoints;
        if (offer && (offer.randomPorts < endpoints.randomPorts || offer.leasedIps < endpoints.leasedIps)) {
          passing.subtract(single(size, providerIndex));
        }
      });
    }
    filters.push({
      rule: 'endpoints',
      passing,
      explain: (provider) => {
        const offer = provider.endpoints!;
        if (endpoints.sharedHttp > 0 && !offer.sharedHttp) return 'has no HTTP ingress for global port 80';
        if (offer.randomPorts < endpoints.randomPorts) {
          return `can give ${offer.randomPorts} random ports; the order needs ${endpoints.randomPorts}`;
        }
        return `can give ${offer.leasedIps} leased IPs; the order needs ${endpoints.leasedIps}`;
      },
    });
  }

  const bandwidth = requirements.minimumBandwidth;
  if (bandwidth !== undefined) {
    const needed = bitsPerSecond(bandwidth);
    const passing = new ProviderSet(size);
    index.offers.forEach((provider, providerIndex) => {
      if ((provider.bandwidthBitsPerSecond ?? 0) >= needed) passing.add(providerIndex);
    });
    filters.push({
      rule: 'bandwidth',
      passing,
      explain: (provider) =>
        provider.bandwidthBitsPerSecond === undefined
          ? `declares no bandwidth; the order needs ${bandwidth}`
          : `offers ${provider.bandwidthBitsPerSecond / 1e6} Mbps; the order needs ${bandwidth}`,
    });
  }

  const candidates = index.all.copy();
  for (const filter of filters) candidates.intersect(filter.passing);
  return { order, maximumPrice, filters, candidates, units };
}

function compileUnit(unit: MatchableOrder['resources'][number], index: ProviderIndex): CompiledUnit {
  let ephemeralBytes = 0;
  let ramVolumeBytes = 0;
  const persistent: Array<{ storageClass: string; bytes: number }> = [];
  for (const volume of unit.storage) {
    if (volume.persistent)
      persistent.push({ storageClass: volume.storageClass ?? 'default', bytes: volume.bytes });
    else if (volume.storageClass === 'ram') ramVolumeBytes += volume.bytes;
    else ephemeralBytes += volume.bytes;
  }
  const accepted = new Uint8Array(index.gpuKinds.length);
  if (unit.gpu.units > 0) {
    index.gpuKinds.forEach((kind, kindId) => {
      const choices = unit.gpu.choices;
      if (choices.length === 0 || choices.some((choice) => gpuChoiceAccepts(choice, kind)))
        accepted[kindId] = 1;
    });
  }
  return {
    services: unit.services.join(', '),
    count: unit.count,
    cpuMillis: unit.cpuMillis,
    memoryBytes: unit.memoryBytes + ramVolumeBytes,
    ephemeralBytes,
    persistent,
    cpuAttributes: unit.cpuAttributes.map((attribute) => `${attribute.key}=${attribute.value}`),
    gpuUnits: unit.gpu.units,
    acceptedGpuKinds: accepted,
    memoryBytesBig: BigInt(unit.memoryBytes),
    ramVolumeBytesBig: BigInt(ramVolumeBytes),
    ephemeralBytesBig: BigInt(ephemeralBytes),
    cpuMillisBig: BigInt(unit.cpuMillis),
    countBig: BigInt(unit.count),
    gpuUnitsBig: BigInt(unit.gpu.units),
  };
}

function addressSet(index: ProviderIndex, addresses: readonly string[]): ProviderSet {
  const set = new ProviderSet(index.size);
  for (const address of addresses) {
    const member = index.byAddress.get(address.toLowerCase());
    if (member !== undefined) set.add(member);
  }
  return set;
}

function single(size: number, member: number): ProviderSet {
  const set = new ProviderSet(size);
  set.add(member);
  return set;
}

function offersAcceptedGpu(
  provider: ProviderOffer,
  choices: MatchableOrder['resources'][number]['gpu']['choices'],
) {
  return provider.nodes.some((node) =>
    (node.gpus ?? []).some(
      (gpu) =>
        gpu.available > 0 &&
        (choices.length === 0 || choices.some((choice) => gpuChoiceAccepts(choice, gpu))),
    ),
  );
}

/**
 * Akash's signature rule: the order's attributes must be a subset of what each auditor in `allOf`
 * signed, and of what at least one auditor in `anyOf` signed.
 */
function signedFor(
  provider: ProviderOffer,
  required: MatchableOrder['requirements']['attributes'],
  allOf: readonly string[],
  anyOf: readonly string[],
): boolean {
  const signedByAuditor = (auditor: string) => {
    const signed = provider.signedAttributes?.find((entry) => entry.auditor === auditor)?.attributes;
    if (!signed) return false;
    return required.every((attribute) =>
      signed.some(
        (offered) => offered.value === attribute.value && attributeKeyMatches(attribute.key, offered.key),
      ),
    );
  };
  return allOf.every(signedByAuditor) && (anyOf.length === 0 || anyOf.some(signedByAuditor));
}

function bitsPerSecond(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(kbps|mbps|gbps)$/i.exec(text.trim());
  if (!match) return Number.POSITIVE_INFINITY;
  const scale = { kbps: 1e3, mbps: 1e6, gbps: 1e9 }[match[2]!.toLowerCase() as 'kbps' | 'mbps' | 'gbps'];
  return Number(match[1]) * scale;
}
