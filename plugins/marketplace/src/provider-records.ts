/** What a provider serves about one lease to its tenant. */
export interface LeaseStatusRecord {
  readonly leaseId: string;
  /** `waiting-for-manifest`, `deploying`, `ready`, `failed`, `closed`. */
  readonly state: 'waiting-for-manifest' | 'deploying' | 'ready' | 'failed' | 'closed';
  readonly reason?: string;
  readonly services: readonly ServiceStatusRecord[];
  readonly expiresAt: string;
}

export interface ServiceStatusRecord {
  readonly name: string;
  readonly image: string;
  readonly replicas: readonly ReplicaStatusRecord[];
  /** Where each global port is reached: `http://127.0.0.1:49153`, one per port per replica. */
  readonly uris: readonly string[];
}

export interface ReplicaStatusRecord {
  readonly index: number;
  /** The run's status, as ICL reports runs (`running`, `failed`, `cancelled`…). */
  readonly status: string;
  readonly reason?: string;
  /** The code the replica's program exited with, once it has (a program that runs once). */
  readonly exitCode?: number;
  readonly endpoints: ReadonlyArray<{ readonly port: number; readonly url: string }>;
}

/** One thing that happened to a lease on the provider. */
export interface LeaseEventRecord {
  readonly sequence: number;
  readonly time: string;
  /** `manifest-received`, `service-started`, `service-ready`, `service-restarted`, `service-failed`, `program-ended`, `lease-completed`, `lease-closed`, `lease-expired`, `provider-restarted`. */
  readonly type: string;
  readonly message: string;
  readonly service?: string;
}

/** One line of a lease's logs as the provider streams them (NDJSON). */
export interface LeaseLogRecord {
  readonly service: string;
  readonly replica: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}
