import type { AllocationSolution, ServerAllocation } from '@icl/core';
import { FieldReader, type FieldSource } from './field-reader';
import { readAllocationData } from './parse-inferno-data';

/**
 * Reads Inferno's `solution-data.json` into the core's solution: an allocation per server, the total cost
 * summed from them. Inferno does not say which servers it left out nor whether the answer is optimal, so
 * `unallocated` is empty and `optimal` false unless ICL's own fields are present.
 */
export function infernoToSolution(
  value: unknown,
  source: FieldSource | string = 'solution data',
): AllocationSolution {
  const reader = new FieldReader(value, typeof source === 'string' ? { name: source } : source);
  const allocationsReader = reader.field('allocations');
  const entries = Object.keys(allocationsReader.object());
  const allocations: Record<string, ServerAllocation> = {};
  let totalCost = 0;
  for (const name of entries) {
    const data = readAllocationData(allocationsReader.field(name));
    allocations[name] = {
      accelerator: data.accelerator,
      replicas: data.numReplicas,
      maxBatch: data.maxBatch,
      cost: data.cost,
      interTokenLatencyMilliseconds: data.itlAverage,
      waitMilliseconds: data.waitAverage,
    };
    totalCost += data.cost;
  }
  return {
    allocations,
    unallocated: [],
    totalCost,
    optimal: reader.field('optimal').boolean(),
  };
}
