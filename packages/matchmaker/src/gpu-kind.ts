import type { GpuChoice } from '@icl/manifest';
import type { GpuOffer } from './provider-offer';

/** One kind of GPU across the market: vendor, model, memory and interface. */
export interface GpuKind {
  readonly vendor: string;
  readonly model: string;
  readonly ramBytes: number;
  readonly interface: 'pcie' | 'sxm';
}

/** The key a kind is indexed by. */
export function gpuKindKey(gpu: GpuOffer | GpuKind): string {
  return `${gpu.vendor.toLowerCase()}/${gpu.model.toLowerCase()}/${gpu.ramBytes}/${gpu.interface}`;
}

/**
 * Whether a GPU kind satisfies one of an order's choices, with Akash's rules: the same vendor; the
 * same model, or any model for `*`; the same memory when the choice names `ram`; the same interface
 * when it names one; and, for ICL's `req_vram`, at least that much memory.
 */
export function gpuChoiceAccepts(choice: GpuChoice, kind: GpuKind): boolean {
  if (choice.vendor.toLowerCase() !== kind.vendor.toLowerCase()) return false;
  if (choice.model !== '*' && choice.model.toLowerCase() !== kind.model.toLowerCase()) return false;
  if (choice.ramBytes !== undefined && choice.ramBytes !== kind.ramBytes) return false;
  if (choice.interface !== undefined && choice.interface !== kind.interface) return false;
  if (choice.minimumVramBytes !== undefined && kind.ramBytes < choice.minimumVramBytes) return false;
  return true;
}

/** `nvidia a100 80Gi sxm`, `nvidia any model`: a choice as a tenant wrote it. */
export function describeGpuChoice(choice: GpuChoice): string {
  const parts = [choice.vendor, choice.model === '*' ? 'any model' : choice.model];
  if (choice.ramBytes !== undefined) parts.push(formatGibibytes(choice.ramBytes));
  if (choice.interface !== undefined) parts.push(choice.interface);
  if (choice.minimumVramBytes !== undefined) parts.push(`≥ ${formatGibibytes(choice.minimumVramBytes)}`);
  return parts.join(' ');
}

/** `nvidia rtx4090 24Gi pcie`. */
export function describeGpuKind(kind: GpuKind): string {
  return `${kind.vendor} ${kind.model} ${formatGibibytes(kind.ramBytes)} ${kind.interface}`;
}

/** Bytes as `24Gi` when whole gibibytes, else as `1.5Gi`. */
export function formatGibibytes(bytes: number): string {
  const gibibytes = bytes / 2 ** 30;
  return `${Number.isInteger(gibibytes) ? gibibytes : gibibytes.toFixed(2).replace(/0+$/, '')}Gi`;
}
