import type { CompiledUnit } from './order-filter';
import type { ProviderIndex } from './provider-index';

/** Where one replica of an order would run on a provider. */
export interface ReplicaPlacement {
  /** Index of the resource unit in the order. */
  readonly unit: number;
  readonly node: string;
  /** The GPU kind its GPUs come from (all from this one kind on this one node), when it has GPUs. */
  readonly gpu?: { readonly vendor: string; readonly model: string; readonly units: number };
}

/** Why replicas did not fit: the first unit short of room, and how many of its replicas did fit. */
export interface FitShortfall {
  readonly unit: number;
  readonly placed: number;
}

/**
 * Fits every replica of every resource unit into a provider's free capacity, Akash's way: a replica's
 * CPU, memory, ephemeral storage and all of its GPUs come from one node (its GPUs of one kind the
 * order accepts), persistent volumes from the provider's storage class pools. Nodes are filled in
 * order, each taking as many replicas as fit before the next is tried.
 *
 * One fitter serves every order of a matchmaker: its scratch arrays are allocated once, so fitting a
 * candidate allocates nothing.
 */
export class ReplicaFitter {
  readonly #cpu: Float64Array;
  readonly #memory: Float64Array;
  readonly #ephemeral: Float64Array;
  readonly #gpus: Float64Array;
  readonly #storage = new Map<string, number>();
  #remaining = new Int32Array(0);

  constructor(private readonly index: ProviderIndex) {
    this.#cpu = new Float64Array(index.largestNodeCount);
    this.#memory = new Float64Array(index.largestNodeCount);
    this.#ephemeral = new Float64Array(index.largestNodeCount);
    this.#gpus = new Float64Array(index.largestGpuSlotCount);
  }

  /**
   * Fits the replicas of `units` on provider `provider`. On success returns `undefined` and leaves,
   * per replica in order, its node in `placedNodes` and its GPU kind (-1 without GPUs) in `placedKinds`.
   *
   * @param allowedGpuKinds Per GPU kind id, 1 where the provider may place GPUs of that kind (a
   *   provider does not offer GPUs it has no price for); `undefined` allows every kind.
   */
  fit(
    provider: number,
    units: readonly CompiledUnit[],
    allowedGpuKinds: Float64Array | undefined,
    placedNodes: Int32Array,
    placedKinds: Int32Array,
  ): FitShortfall | undefined {
    const nodes = this.index.nodes[provider]!;
    if (units.length === 1 && units[0]!.count === 1) {
      return this.#fitOne(provider, units[0]!, allowedGpuKinds, placedNodes, placedKinds);
    }
    const nodeCount = nodes.names.length;
    const cpu = this.#cpu;
    const memory = this.#memory;
    const ephemeral = this.#ephemeral;
    const gpus = this.#gpus;
    cpu.set(nodes.cpuMillis);
    memory.set(nodes.memoryBytes);
    ephemeral.set(nodes.ephemeralBytes);
    gpus.set(nodes.gpuSlotAvailable);
    const storage = this.#storage;
    storage.clear();
    for (const [storageClass, bytes] of this.index.storageAvailable[provider]!)
      storage.set(storageClass, bytes);
    if (this.#remaining.length < units.length) this.#remaining = new Int32Array(units.length);
    const remaining = this.#remaining;
    let left = 0;
    for (let unit = 0; unit < units.length; unit++) {
      remaining[unit] = units[unit]!.count;
      left += units[unit]!.count;
    }

    for (let node = 0; node < nodeCount && left > 0; node++) {
      let replicaBase = 0;
      for (let unitIndex = 0; unitIndex < units.length; unitIndex++) {
        const unit = units[unitIndex]!;
        while (remaining[unitIndex]! > 0) {
          if (
            cpu[node]! < unit.cpuMillis ||
            memory[node]! < unit.memoryBytes ||
            ephemeral[node]! < unit.ephemeralBytes
          ) {
            break;
          }
          if (unit.cpuAttributes.length > 0 && !hasAll(nodes.cpuAttributes[node]!, unit.cpuAttributes)) break;
          let gpuSlot = -1;
          if (unit.gpuUnits > 0) {
            const end = nodes.gpuSlotStart[node + 1]!;
            for (let slot = nodes.gpuSlotStart[node]!; slot < end; slot++) {
              const kind = nodes.gpuSlotKind[slot]!;
              if (
                unit.acceptedGpuKinds[kind] === 1 &&
                gpus[slot]! >= unit.gpuUnits &&
                (allowedGpuKinds === undefined || !Number.isNaN(allowedGpuKinds[kind]!))
              ) {
                gpuSlot = slot;
                break;
              }
            }
            if (gpuSlot === -1) break;
          }
          let storageFits = true;
          for (const volume of unit.persistent) {
            if ((storage.get(volume.storageClass) ?? 0) < volume.bytes) storageFits = false;
          }
          if (!storageFits) break;
          cpu[node]! -= unit.cpuMillis;
          memory[node]! -= unit.memoryBytes;
          ephemeral[node]! -= unit.ephemeralBytes;
          for (const volume of unit.persistent) {
            storage.set(volume.storageClass, storage.get(volume.storageClass)! - volume.bytes);
          }
          const replica = replicaBase + unit.count - remaining[unitIndex]!;
          placedNodes[replica] = node;
          if (gpuSlot === -1) placedKinds[replica] = -1;
          else {
            gpus[gpuSlot]! -= unit.gpuUnits;
            placedKinds[replica] = nodes.gpuSlotKind[gpuSlot]!;
          }
          remaining[unitIndex]! -= 1;
          left--;
        }
        replicaBase += unit.count;
      }
    }
    if (left === 0) return undefined;
    return this.#shortfall(units, remaining);
  }

  /** The common case, one replica: nothing to subtract, so the provider's own figures are read. */
  #fitOne(
    provider: number,
    unit: CompiledUnit,
    allowedGpuKinds: Float64Array | undefined,
    placedNodes: Int32Array,
    placedKinds: Int32Array,
  ): FitShortfall | undefined {
    const nodes = this.index.nodes[provider]!;
    if (unit.persistent.length > 0) {
      const storage = this.index.storageAvailable[provider]!;
      for (const volume of unit.persistent) {
        if ((storage.get(volume.storageClass) ?? 0) < volume.bytes) return { unit: 0, placed: 0 };
      }
    }
    const nodeCount = nodes.names.length;
    for (let node = 0; node < nodeCount; node++) {
      if (
        nodes.cpuMillis[node]! < unit.cpuMillis ||
        nodes.memoryBytes[node]! < unit.memoryBytes ||
        nodes.ephemeralBytes[node]! < unit.ephemeralBytes
      ) {
        continue;
      }
      if (unit.cpuAttributes.length > 0 && !hasAll(nodes.cpuAttributes[node]!, unit.cpuAttributes)) continue;
      let kind = -1;
      if (unit.gpuUnits > 0) {
        const end = nodes.gpuSlotStart[node + 1]!;
        for (let slot = nodes.gpuSlotStart[node]!; slot < end; slot++) {
          const slotKind = nodes.gpuSlotKind[slot]!;
          if (
            unit.acceptedGpuKinds[slotKind] === 1 &&
            nodes.gpuSlotAvailable[slot]! >= unit.gpuUnits &&
            (allowedGpuKinds === undefined || !Number.isNaN(allowedGpuKinds[slotKind]!))
          ) {
            kind = slotKind;
            break;
          }
        }
        if (kind === -1) continue;
      }
      placedNodes[0] = node;
      placedKinds[0] = kind;
      return undefined;
    }
    return { unit: 0, placed: 0 };
  }

  #shortfall(units: readonly CompiledUnit[], remaining: Int32Array): FitShortfall | undefined {
    for (let unit = 0; unit < units.length; unit++) {
      if (remaining[unit]! > 0) return { unit, placed: units[unit]!.count - remaining[unit]! };
    }
    return undefined;
  }
}

function hasAll(offered: ReadonlySet<string>, wanted: readonly string[]): boolean {
  for (const attribute of wanted) if (!offered.has(attribute)) return false;
  return true;
}
