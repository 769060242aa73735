import type { Attribute } from '@icl/manifest';
import type { PriceList } from './price-list';

/**
 * What one provider offers the market, as the matchmaker sees it: who it is, where, which tier, which
 * tokens it takes, and the capacity it has free right now, node by node. A provider daemon publishes
 * this to the order book and refreshes it as leases come and go, so tenants can tell why a provider
 * would not qualify without asking it.
 */
export interface ProviderOffer {
  /** The provider's address (`0x…`), which manifests name in `desired_provider` and `provider_exclude`. */
  readonly address: string;
  /** `provider` (a data-centre provider, the default) or `fizz` (a community node without HTTP ingress). */
  readonly mode?: 'provider' | 'fizz';
  /** 1 (most reliable) to 7: tiers 1–3 are the secured providers, 4–7 the community ones. */
  readonly tier: number;
  /** Where the provider runs (`us-east`). Also offered as the attribute `region`, as Spheron does. */
  readonly region: string;
  /**
   * The provider's placement attributes (`datacenter: dc1`, `host: akash`). Orders require a subset
   * of them; a requirement key may be a glob (`capabilities/gpu/*`).
   */
  readonly attributes?: readonly Attribute[];
  /** Attributes auditors have signed for this provider, for orders with `signedBy`. */
  readonly signedAttributes?: readonly AuditedAttributes[];
  /** The tokens (or denominations) it accepts payment in (`USDT`, `USDC`, `uakt`). */
  readonly tokens: readonly string[];
  /** Free capacity per node: every replica must fit on one node, GPUs included. */
  readonly nodes: readonly NodeOffer[];
  /** Persistent storage classes (`beta2`, `beta3`) with the bytes free in each. */
  readonly storageClasses?: readonly StorageClassOffer[];
  /** Which kinds of public endpoints it can give. All kinds, without limit, when absent. */
  readonly endpoints?: EndpointOffer;
  /** Fizz nodes: the bandwidth the node offers, in bits per second, for orders with `bandwidth`. */
  readonly bandwidthBitsPerSecond?: number;
  /** Prices per resource, used when the caller gives no price of its own (a bid) for this provider. */
  readonly pricing?: PriceList;
  /** 0 to 1, higher is better; used only when ranking weights ask for it. */
  readonly reputation?: number;
  /** 0 to 1, the share of time the provider answered lately; used only when ranking weights ask for it. */
  readonly uptime?: number;
}

/** Attributes one auditor has signed for a provider. */
export interface AuditedAttributes {
  readonly auditor: string;
  readonly attributes: readonly Attribute[];
}

/** One node's free capacity. */
export interface NodeOffer {
  readonly name: string;
  /** Free CPU, in thousandths of a CPU. */
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  /** Free ephemeral storage (the container's own disk), in bytes. */
  readonly ephemeralStorageBytes: number;
  /** CPU attributes (`arch/arm64/model/m3pro: true`) for orders that name an architecture. */
  readonly cpuAttributes?: readonly Attribute[];
  /** The node's GPUs by kind, with how many of each are free. */
  readonly gpus?: readonly GpuOffer[];
}

/** GPUs of one kind on one node. */
export interface GpuOffer {
  /** `nvidia`, `amd`. */
  readonly vendor: string;
  /** `a100`, `h100`, `rtx4090`: the model as manifests name it, lower case. */
  readonly model: string;
  /** Memory of one GPU, in bytes. */
  readonly ramBytes: number;
  readonly interface: 'pcie' | 'sxm';
  /** How many GPUs of this kind are free on the node. */
  readonly available: number;
}

/** A persistent storage class the provider offers. */
export interface StorageClassOffer {
  /** `default`, `beta1`, `beta2`, `beta3`. */
  readonly storageClass: string;
  readonly availableBytes: number;
}

/** Which public endpoints a provider can give leases. */
export interface EndpointOffer {
  /** Whether it serves global port 80 through an HTTP ingress (shared HTTP endpoints). */
  readonly sharedHttp: boolean;
  /** How many random public ports it can still give. */
  readonly randomPorts: number;
  /** How many leased IP addresses it can still give. */
  readonly leasedIps: number;
}
