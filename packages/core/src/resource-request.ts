import type { NormalizedResourceRequestV1 } from './backend-v1';
import { type GpuRequest, parseGpuRequest } from './gpu-request';
import { parseQuantity, type Quantity } from './quantity';

/**
 * What a program needs from the machine it runs on. Backends that place work (Kubernetes, a
 * marketplace) use it to choose where; backends that run on a given machine (local, SSH) check it
 * fits and enforce the limits they can.
 */
export interface ResourceRequest {
  /** CPU cores, as a quantity: `2`, `0.5`, `500m`. */
  cpu?: Quantity;
  /** Memory, as a quantity: `4Gi`, `512M`. */
  memory?: Quantity;
  /** GPUs. A number is a count of any model; a string is the `H100:8` notation. */
  gpu?: GpuRequest | number | string;
}

/**
 * Parses the quantities of a resource request into base units (cores, bytes, a GPU request with a
 * count), the form backends compare against their inventory.
 *
 * @throws InvalidArgumentError naming the field that is malformed.
 */
export function normalizeResourceRequest(request: ResourceRequest = {}): NormalizedResourceRequestV1 {
  const normalized: NormalizedResourceRequestV1 = {};
  if (request.cpu !== undefined) normalized.cpu = parseQuantity(request.cpu, 'resources.cpu');
  if (request.memory !== undefined)
    normalized.memoryBytes = parseQuantity(request.memory, 'resources.memory');
  const gpu = request.gpu;
  if (typeof gpu === 'string') normalized.gpu = parseGpuRequest(gpu, 'resources.gpu');
  else if (typeof gpu === 'number') {
    if (gpu > 0) normalized.gpu = parseGpuRequest(String(gpu), 'resources.gpu');
  } else if (gpu !== undefined) {
    if (!Number.isInteger(gpu.count) || gpu.count < 1)
      parseGpuRequest(String(gpu.count), 'resources.gpu.count');
    if (gpu.memory !== undefined) parseQuantity(gpu.memory, 'resources.gpu.memory');
    normalized.gpu = { ...gpu };
  }
  return normalized;
}
