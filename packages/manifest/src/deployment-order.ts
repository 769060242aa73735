import type { Attribute, DecimalCoin, GroupSpec } from './group-spec';
import type { DeploymentMode } from './manifest-version';
import type { ManifestGroup } from './provider-manifest';

/**
 * What a marketplace needs to match one placement of a deployment with providers, in plain numbers:
 * the order a tenant places. It carries the group spec as the chain writes it (for interchange and
 * bids), the manifest group to send to the winner, and the matching data spelled out.
 */
export interface DeploymentOrder {
  /** The placement profile's name, also the group's name. */
  readonly placement: string;
  /** The group spec in the reference JSON shape. */
  readonly groupSpec: GroupSpec;
  /** The services to send to the provider that wins the lease. */
  readonly manifestGroup: ManifestGroup;
  /** `fizz` orders go to fizz nodes only, `provider` orders to providers. Akash SDLs are `provider`. */
  readonly mode: DeploymentMode;
  /** How long the lease runs (ICL 1.0 `duration`); `undefined` for Akash SDLs, which run until closed. */
  readonly durationSeconds: number | undefined;
  /** Provider tiers (1–7) allowed to bid; all seven when the manifest names none. */
  readonly tiers: readonly number[];
  /** What `price` amounts are per: an hour (ICL 1.0) or a block (Akash). */
  readonly priceUnit: 'hour' | 'block';
  /** The denomination (Akash) or token (ICL) every price of the order is in. */
  readonly denom: string;
  /** The most the tenant pays for the whole group per `priceUnit`: the sum of unit prices × counts. */
  readonly maximumPrice: DecimalCoin;
  readonly requirements: OrderRequirements;
  /** The resource units, in group-spec order. */
  readonly resources: readonly OrderResourceUnit[];
}

/** Who may bid on an order. */
export interface OrderRequirements {
  /**
   * Attributes a provider must have (its attributes must include each; keys may end in `*`, matched as
   * a glob). Includes `region` when asked for, and `tee/type` for confidential services.
   */
  readonly attributes: readonly Attribute[];
  /** Auditors that must (all of / any of) have signed the provider's attributes. Empty when not asked. */
  readonly signedBy: { readonly allOf: readonly string[]; readonly anyOf: readonly string[] };
  /** ICL 1.0: the one region the provider must be in. */
  readonly region: string | undefined;
  /** ICL 1.0: regions a provider must not be in. */
  readonly excludedRegions: readonly string[];
  /** ICL 1.0: when not empty, only these providers (addresses) may bid. */
  readonly desiredProviders: readonly string[];
  /** ICL 1.0: providers (addresses) that may not bid. */
  readonly excludedProviders: readonly string[];
  /** ICL 1.0 fizz mode: when not empty, only these fizz nodes may take the order. */
  readonly desiredFizzNodes: readonly string[];
  /** ICL 1.0 fizz mode: the least bandwidth a fizz node must offer, as written (`100mbps`). */
  readonly minimumBandwidth: string | undefined;
}

/** `count` replicas of one set of resources, as numbers. */
export interface OrderResourceUnit {
  /** The group spec's resource id, which manifest services point to. */
  readonly id: number;
  /** The services that run in this unit (several in SDL 2.1 when they share a compute profile). */
  readonly services: readonly string[];
  readonly count: number;
  /** The compute profile's name. */
  readonly computeProfile: string;
  /** CPU in thousandths of a CPU, per replica. */
  readonly cpuMillis: number;
  /** CPU attributes a node must have (`arch`), per replica. */
  readonly cpuAttributes: readonly Attribute[];
  readonly memoryBytes: number;
  readonly storage: readonly OrderStorageVolume[];
  readonly gpu: OrderGpuRequirement;
  /** Public endpoints the replicas need from the provider, by kind. */
  readonly endpoints: {
    readonly sharedHttp: number;
    readonly randomPorts: number;
    readonly leasedIps: number;
  };
  /** The most paid per replica per `priceUnit`. */
  readonly price: DecimalCoin;
}

/** One volume of a replica. A provider must offer the `storageClass` of every persistent volume. */
export interface OrderStorageVolume {
  readonly name: string;
  readonly bytes: number;
  readonly persistent: boolean;
  /** `default`, `beta1`–`beta3` (persistent) or `ram` (shared memory); `undefined` for plain ephemeral. */
  readonly storageClass: string | undefined;
}

/**
 * The GPUs of a replica. All `units` must be on one node and match one of `choices` (any of them).
 * The group spec carries the same choices as `vendor/<vendor>/model/<model>[/ram/<n>Gi][/interface/<i>]`
 * attribute keys.
 */
export interface OrderGpuRequirement {
  readonly units: number;
  readonly choices: readonly GpuChoice[];
}

/** One acceptable GPU. */
export interface GpuChoice {
  readonly vendor: string;
  /** `*` for any model of the vendor. */
  readonly model: string;
  /** Exact GPU memory asked for (`ram`), in bytes. */
  readonly ramBytes: number | undefined;
  readonly interface: 'pcie' | 'sxm' | undefined;
  /** ICL 1.0 `req_vram`: the least GPU memory the service needs, in bytes. */
  readonly minimumVramBytes: number | undefined;
}
