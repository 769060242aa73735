/**
 * What one replica may ask for, and a whole group, as the chain validates them (deployment v1beta4).
 * A manifest beyond these would be refused when the order is created, so the parser refuses it first.
 */
export const resourceLimits = {
  /** CPU thousandths of one replica. */
  cpuMillis: { minimum: 10, maximum: 384_000 },
  /** GPUs of one replica. */
  gpuUnits: { minimum: 0, maximum: 24 },
  /** Memory bytes of one replica: 1 MiB to 2 TiB. */
  memoryBytes: { minimum: 1024 ** 2, maximum: 2 * 1024 ** 4 },
  /** Bytes of one storage volume of one replica: 5 MiB to 32 TiB. */
  storageBytes: { minimum: 5 * 1024 ** 2, maximum: 32 * 1024 ** 4 },
  /** Replicas the group totals are computed for: a group may hold 50 replicas' worth of the maxima. */
  groupReplicaFactor: 50,
  /** The highest price of one replica, in whole units of the denomination (10 AKT in uakt). */
  unitPrice: 10_000_000n,
} as const;
