import { InvalidArgumentError } from './errors/invalid-argument-error';
import { parseQuantity, type Quantity } from './quantity';

/**
 * The GPUs a program needs. Only `count` is required; `model` and `memory` narrow which devices
 * qualify, so a backend can pick the right node or refuse with a precise reason.
 */
export interface GpuRequest {
  /** How many GPUs, at least 1. */
  count: number;
  /**
   * The accelerator model (`H100`, `A100`, `L4`), matched case-insensitively against the model names
   * a backend reports (`NVIDIA H100 80GB HBM3` matches `H100`). Any model when absent.
   */
  model?: string;
  /** The least memory each GPU must have, as a quantity (`40Gi`) or a number of bytes. */
  memory?: Quantity;
}

const gpuPattern = /^(?:([A-Za-z][\w.-]*)(?::(\d+))?|(\d+))$/;

/**
 * Parses the short notation users know from SkyPilot and dstack: `2` (two of any model), `H100` (one
 * H100), `H100:8` (eight H100s).
 *
 * @throws InvalidArgumentError naming the flag and the accepted forms.
 */
export function parseGpuRequest(value: string, argument = '--gpus'): GpuRequest {
  const match = gpuPattern.exec(value.trim());
  const count = match ? Number(match[2] ?? match[3] ?? 1) : 0;
  if (!match || !Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError({
      argument,
      message: `Invalid GPU request for ${argument}: "${value}".`,
      hint: 'Write a count (2), a model (H100) or a model and count (H100:8); the count must be at least 1.',
    });
  }
  return match[1] ? { count, model: match[1] } : { count };
}

/** Whether a GPU model name reported by a device (`NVIDIA H100 80GB HBM3`) satisfies a requested model (`h100`). */
export function gpuModelMatches(reported: string, requested: string): boolean {
  const normalize = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
  const words = normalize(reported).split(' ');
  const wanted = normalize(requested).trim();
  return (
    words.includes(wanted) || normalize(reported).includes(` ${wanted} `) || normalize(reported) === wanted
  );
}

/** The GPU memory requirement in bytes, or 0 when none was given. */
export function gpuMemoryBytes(request: GpuRequest): number {
  return request.memory === undefined ? 0 : parseQuantity(request.memory, 'gpu.memory');
}
