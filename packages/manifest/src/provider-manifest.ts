import type { ResourceUnits } from './group-spec';

/**
 * The manifest a tenant sends to the provider that won a lease: for each group, the services to run.
 * Shapes and field names are those of the Akash manifest (`manifest/v2beta3`), plus, for ICL 1.0 files,
 * the fields of Spheron's dialect that only the provider needs (`pullPolicy`, `usePublicPort`), present
 * only when set.
 */

/** Retry behaviour of the provider's HTTP proxy for one exposed port. */
export interface HttpOptions {
  readonly maxBodySize: number;
  readonly readTimeout: number;
  readonly sendTimeout: number;
  readonly nextTries: number;
  readonly nextTimeout: number;
  readonly nextCases: readonly string[];
  /** Present only when the manifest sets `proxy_buffer_size`. */
  readonly proxyBufferSize?: number;
}

/** One way a service's port is reachable: from the internet, or from another service of the group. */
export interface ServiceExpose {
  /** The container port. */
  readonly port: number;
  /** The port as published (`as`); 0 when it is the same as `port`. */
  readonly externalPort: number;
  readonly proto: 'TCP' | 'UDP';
  /** The service allowed to connect; empty for a global expose. */
  readonly service: string;
  readonly global: boolean;
  /** Host names the HTTP ingress accepts (`accept`); `null` when none were given. */
  readonly hosts: readonly string[] | null;
  readonly httpOptions: HttpOptions;
  /** The leased IP endpoint's name, or empty. */
  readonly ip: string;
  /** Which leased IP (see `Endpoint.sequence_number`); 0 without one. */
  readonly endpointSequenceNumber: number;
  /** ICL 1.0: publish on the port the provider assigns instead of `externalPort`. Only when set. */
  readonly usePublicPort?: boolean;
}

/** Where a named storage volume is mounted in the container. */
export interface StorageParams {
  readonly name: string;
  readonly mount: string;
  readonly readOnly: boolean;
}

/** Per-service settings beyond resources. Present only when the service has `params`. */
export interface ServiceParams {
  /** Mounts of named volumes, sorted by volume name; `null` when the service mounts none. */
  readonly storage: readonly StorageParams[] | null;
  /** Which lease data (`logs`, `events`, `deployment`) the service itself may read. */
  readonly permissions?: { readonly read: readonly string[] };
  /** Confidential computing: the TEE type and whether the workload is attested. */
  readonly tee?: { readonly type: string; readonly attestation: boolean };
}

/** Credentials for a private image registry. */
export interface ImageCredentials {
  readonly host: string;
  readonly email: string;
  readonly username: string;
  readonly password: string;
}

/** One service of a group: its image, resources (the group spec's unit it runs in) and ports. */
export interface ManifestService {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[] | null;
  readonly args: readonly string[] | null;
  readonly env: readonly string[] | null;
  readonly resources: ResourceUnits;
  readonly count: number;
  /** Sorted by target service, port, protocol, global first. */
  readonly expose: readonly ServiceExpose[];
  readonly params?: ServiceParams;
  readonly credentials: ImageCredentials | null;
  /** ICL 1.0: when the provider pulls the image (`Always`, `IfNotPresent`, `Never`). Only when set. */
  readonly pullPolicy?: PullPolicy;
  /**
   * ICL 1.0: whether the provider restarts a replica that ended (`Always`, a service) or lets it end
   * (`Never`, a program that runs once; the lease closes once all such replicas have ended). Only when set.
   */
  readonly restartPolicy?: RestartPolicy;
}

/** ICL 1.0 `pull_policy` values. */
export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** ICL 1.0 `restart_policy` values: `Always` (the default) or `Never`. */
export type RestartPolicy = 'Always' | 'Never';

/** The services of one group, sorted by name. */
export interface ManifestGroup {
  readonly name: string;
  readonly services: readonly ManifestService[];
}
