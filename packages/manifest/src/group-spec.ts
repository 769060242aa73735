/**
 * Group specs: what a deployment asks the market for, one per placement. The shapes and field names are
 * those of the Akash chain's JSON (`deployment/v1beta4.GroupSpec`), so specs built here are
 * interchangeable with the reference parser's: numbers of bytes and CPU thousandths are decimal
 * strings in `{ val }`, prices have 18 decimal places.
 */

/** A key/value pair a provider must have (placement) or a resource must offer (GPU model, storage class). */
export interface Attribute {
  readonly key: string;
  readonly value: string;
}

/** A non-negative integer as a decimal string, so sizes beyond 2^53 bytes survive JSON. */
export interface ResourceValue {
  readonly val: string;
}

/** How a global port reaches the internet; the chain's `Endpoint.Kind`. */
export const EndpointKind = {
  /** Served through the provider's HTTP ingress (TCP, external port 80). */
  sharedHttp: 0,
  /** A random port on the provider's public address. */
  randomPort: 1,
  /** A leased IP address, named in the manifest's `endpoints`. */
  leasedIp: 2,
} as const;

/** One value of {@link EndpointKind}. */
export type EndpointKind = (typeof EndpointKind)[keyof typeof EndpointKind];

/** One public endpoint a resource needs. `kind` is left out when it is 0 (shared HTTP), as in the chain's JSON. */
export interface Endpoint {
  readonly kind?: EndpointKind;
  /** For leased IPs, which one (all ports on the same IP share it); 0 otherwise. */
  readonly sequence_number: number;
}

/** One storage volume of a resource: the default ephemeral volume or a named one. */
export interface StorageVolume {
  readonly name: string;
  readonly size: ResourceValue;
  /** `class` and `persistent`, sorted by key; absent for a plain ephemeral volume. */
  readonly attributes?: readonly Attribute[];
}

/** The resources of one replica. */
export interface ResourceUnits {
  /** Identifies the unit within its group; services of the manifest point to it. */
  readonly id: number;
  readonly cpu: { readonly units: ResourceValue; readonly attributes?: readonly Attribute[] };
  readonly memory: { readonly size: ResourceValue; readonly attributes?: readonly Attribute[] };
  readonly storage: readonly StorageVolume[];
  /** Always present; `units` is `"0"` and `attributes` absent when no GPU is asked for. */
  readonly gpu: { readonly units: ResourceValue; readonly attributes?: readonly Attribute[] };
  readonly endpoints: readonly Endpoint[];
}

/** A price: an amount of a denomination (Akash `uakt`) or token (ICL `USDT`), with 18 decimals. */
export interface DecimalCoin {
  readonly denom: string;
  /** `50.000000000000000000`. */
  readonly amount: string;
}

/** `count` replicas of `resource`, each at most `price`. */
export interface GroupResourceUnit {
  readonly resource: ResourceUnits;
  readonly count: number;
  readonly price: DecimalCoin;
}

/** What a provider must satisfy to bid on the group. */
export interface PlacementRequirements {
  /** Auditors whose signatures the provider's attributes must carry; `null` when not given. */
  readonly signed_by: {
    readonly all_of: readonly string[] | null;
    readonly any_of: readonly string[] | null;
  };
  /** Attributes the provider must have (sorted by key), `null` when there are none. */
  readonly attributes: readonly Attribute[] | null;
}

/** One group of a deployment: a placement and the resources deployed there. */
export interface GroupSpec {
  /** The placement profile's name. */
  readonly name: string;
  readonly requirements: PlacementRequirements;
  readonly resources: readonly GroupResourceUnit[];
}
