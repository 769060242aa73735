import type { Attribute } from './group-spec';
import type { LeaseDuration } from './lease-duration';
import type { ManifestField } from './manifest-field';
import type { DeploymentMode, ManifestVersion } from './manifest-version';
import type { HttpOptions, PullPolicy, RestartPolicy } from './provider-manifest';

/*
 * The manifest as read, before groups are built: each part checked on its own. A part that had a
 * problem is `undefined` (or `complete: false`), so later stages can skip it and still check the rest.
 */

export interface ExposeTargetModel {
  readonly field: ManifestField;
  readonly service: string;
  readonly global: boolean;
  readonly ip: string;
}

export interface ExposeModel {
  readonly field: ManifestField;
  readonly port: number;
  readonly externalPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly hosts: readonly string[] | null;
  readonly hostFields: readonly ManifestField[];
  readonly httpOptions: HttpOptions;
  readonly targets: readonly ExposeTargetModel[];
  readonly usePublicPort: boolean | undefined;
}

export interface StorageMountModel {
  readonly field: ManifestField;
  readonly volume: string;
  /** `undefined` when the mount path had a problem (reported). */
  readonly mount: string | undefined;
  readonly readOnly: boolean;
}

export interface ServiceModel {
  readonly name: string;
  readonly field: ManifestField;
  readonly image: string;
  readonly command: readonly string[] | null;
  readonly args: readonly string[] | null;
  readonly env: readonly string[] | null;
  readonly expose: readonly ExposeModel[];
  /** `undefined` when the service has no `params`. */
  readonly params:
    | {
        readonly storage: readonly StorageMountModel[];
        readonly permissions: readonly string[] | undefined;
        readonly tee: { readonly type: string; readonly field: ManifestField } | undefined;
      }
    | undefined;
  readonly credentials:
    | { readonly host: string; readonly email: string; readonly username: string; readonly password: string }
    | undefined;
  readonly pullPolicy: PullPolicy | undefined;
  readonly restartPolicy: RestartPolicy | undefined;
  /** Every part of the service was read without a problem. */
  readonly complete: boolean;
}

export interface StorageVolumeModel {
  readonly name: string;
  readonly field: ManifestField;
  readonly bytes: number;
  /** Sorted by key; `undefined` when the volume has no `attributes`. */
  readonly attributes: readonly Attribute[] | undefined;
  readonly persistent: boolean;
  readonly storageClass: string | undefined;
}

/** One acceptable GPU of a compute profile, as the order's matching data. */
export interface GpuChoiceModel {
  readonly vendor: string;
  /** `*` for any model of the vendor. */
  readonly model: string;
  readonly ramBytes: number | undefined;
  readonly interface: 'pcie' | 'sxm' | undefined;
  readonly minimumVramBytes: number | undefined;
}

export interface ComputeProfileModel {
  readonly name: string;
  readonly field: ManifestField;
  readonly cpuMillis: number;
  readonly cpuAttributes: readonly Attribute[];
  readonly memoryBytes: number;
  readonly storage: readonly StorageVolumeModel[];
  readonly gpuUnits: number;
  readonly gpuAttributes: readonly Attribute[];
  readonly gpuChoices: readonly GpuChoiceModel[];
  readonly complete: boolean;
}

export interface PriceModel {
  readonly field: ManifestField;
  readonly denom: string;
  /** In 10^-18 units. */
  readonly amount: bigint;
}

/** ICL 1.0 placement attributes that steer matching rather than name a provider attribute. */
export interface PlacementSteeringModel {
  readonly region: string | undefined;
  readonly excludedRegions: readonly string[];
  readonly desiredProviders: readonly string[];
  readonly excludedProviders: readonly string[];
  readonly desiredFizzNodes: readonly string[];
  readonly bandwidth: string | undefined;
}

export interface PlacementProfileModel {
  readonly name: string;
  readonly field: ManifestField;
  readonly attributes: readonly Attribute[];
  readonly signedBy: { readonly allOf: readonly string[] | null; readonly anyOf: readonly string[] | null };
  /** By compute profile name; a price with a problem is left out. */
  readonly pricing: ReadonlyMap<string, PriceModel | undefined>;
  readonly steering: PlacementSteeringModel;
  readonly complete: boolean;
}

export interface DeploymentEntryModel {
  readonly service: string;
  readonly placement: string;
  readonly serviceKey: ManifestField;
  readonly placementKey: ManifestField;
  readonly field: ManifestField;
  readonly profile: string | undefined;
  readonly profileField: ManifestField | undefined;
  readonly count: number | undefined;
  readonly countField: ManifestField | undefined;
}

export interface EndpointModel {
  readonly name: string;
  readonly field: ManifestField;
}

export interface ManifestModel {
  readonly version: ManifestVersion;
  readonly root: ManifestField;
  /** The `services` key, to point at for problems of the deployment as a whole. */
  readonly servicesField: ManifestField;
  readonly services: ReadonlyMap<string, ServiceModel>;
  /** Names of services whose definition had a problem, so references to them are not reported again. */
  readonly brokenServices: ReadonlySet<string>;
  readonly computeProfiles: ReadonlyMap<string, ComputeProfileModel>;
  readonly brokenComputeProfiles: ReadonlySet<string>;
  readonly placementProfiles: ReadonlyMap<string, PlacementProfileModel>;
  readonly brokenPlacementProfiles: ReadonlySet<string>;
  /** Sorted by service name, then placement name, as the reference parser walks them. */
  readonly deployment: readonly DeploymentEntryModel[];
  readonly endpoints: ReadonlyMap<string, EndpointModel>;
  readonly name: string | undefined;
  readonly mode: DeploymentMode;
  readonly duration: LeaseDuration | undefined;
  readonly tierNames: readonly string[];
  readonly reclamationSeconds: number | undefined;
}
