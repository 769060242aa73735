import type { GpuKind } from './gpu-kind';
import type { CompiledUnit } from './order-filter';
import { gpuPrice } from './price-list';
import type { IndexedPrices } from './provider-index';

const gibibyte = 1n << 30n;
const gibibyteNumber = 2 ** 30;
const thousand = 1000n;

/**
 * What a provider's price list asks for a whole order per hour: for each replica, its CPUs, memory
 * (with `ram` volumes), ephemeral storage, persistent volumes by class and GPUs by the model the
 * replica was placed on. Each term is rounded down to a 10⁻¹⁸ unit. `undefined` when the list has no
 * price for a GPU model used.
 *
 * @param gpuKindOfReplica The GPU kind id each replica was placed on (-1 without GPUs), in order.
 */
export function groupPrice(
  prices: IndexedPrices,
  units: readonly CompiledUnit[],
  gpuKinds: readonly GpuKind[],
  gpuKindOfReplica: Int32Array,
): bigint | undefined {
  const exact = prices.exact;
  let total = 0n;
  let replica = 0;
  for (const unit of units) {
    let each =
      (exact.cpu * unit.cpuMillisBig) / thousand +
      (exact.memoryGibibyte * (unit.memoryBytesBig + unit.ramVolumeBytesBig)) / gibibyte;
    if (unit.ephemeralBytes > 0) each += (exact.storageGibibyte * unit.ephemeralBytesBig) / gibibyte;
    for (const volume of unit.persistent) {
      const perGibibyte = exact.storageClassGibibyte[volume.storageClass] ?? exact.storageGibibyte;
      each += (perGibibyte * BigInt(volume.bytes)) / gibibyte;
    }
    total += each * unit.countBig;
    if (unit.gpuUnits > 0) {
      for (let copy = 0; copy < unit.count; copy++) {
        const kind = gpuKinds[gpuKindOfReplica[replica + copy]!];
        const perGpu = kind === undefined ? undefined : gpuPrice(exact, kind.model);
        if (perGpu === undefined) return undefined;
        total += perGpu * unit.gpuUnitsBig;
      }
    }
    replica += unit.count;
  }
  return total;
}

/**
 * {@link groupPrice} in floating point, for ranking without allocating: within a relative 10⁻¹³ plus
 * one unit per term of the exact price. NaN when the list has no price for a GPU model used.
 */
export function estimateGroupPrice(
  prices: IndexedPrices,
  units: readonly CompiledUnit[],
  gpuKindOfReplica: Int32Array,
): number {
  let total = 0;
  let replica = 0;
  for (const unit of units) {
    let each =
      (prices.cpu * unit.cpuMillis) / 1000 + (prices.memoryGibibyte * unit.memoryBytes) / gibibyteNumber;
    if (unit.ephemeralBytes > 0) each += (prices.storageGibibyte * unit.ephemeralBytes) / gibibyteNumber;
    for (const volume of unit.persistent) {
      const perGibibyte = prices.storageClassGibibyte.get(volume.storageClass) ?? prices.storageGibibyte;
      each += (perGibibyte * volume.bytes) / gibibyteNumber;
    }
    total += each * unit.count;
    if (unit.gpuUnits > 0) {
      for (let copy = 0; copy < unit.count; copy++) {
        total += prices.gpuByKind[gpuKindOfReplica[replica + copy]!]! * unit.gpuUnits;
      }
    }
    replica += unit.count;
  }
  return total;
}

/**
 * Whether two prices whose estimates are `left` and `right` may be in either order (or equal) once
 * computed exactly, so the exact prices must decide.
 */
export function tooCloseToTell(left: number, right: number): boolean {
  return Math.abs(left - right) <= Math.max(Math.abs(left), Math.abs(right)) * 1e-12 + 1024;
}
