import { allocationCost, type ServerAllocation, type UnallocatedServer } from '@icl/core';
import type { ConditionUpdate } from './resource-condition';

/** The `Allocated` condition's reason for each cause the optimizer gives for leaving a server out. */
const reasonOfCause: Record<UnallocatedServer['cause'], string> = {
  'unknown-service-class': 'UnknownServiceClass',
  'no-target': 'NoTarget',
  'unknown-model': 'UnknownModel',
  'invalid-load': 'InvalidLoad',
  'no-feasible-accelerator': 'NoFeasibleAccelerator',
  capacity: 'InsufficientCapacity',
};

/**
 * `Allocated=True`, saying what the server got: the allocation written to its `desiredAlloc` (one
 * accelerator, as the resource holds), and, when the optimizer split the server over several
 * accelerators, that cheaper split, which a desired allocation cannot express.
 */
export function allocatedCondition(allocation: ServerAllocation): ConditionUpdate {
  const written = `${allocation.replicas} × ${allocation.accelerator}, batch ${allocation.maxBatch}, ITL ${allocation.interTokenLatencyMilliseconds.toFixed(2)} ms, wait ${allocation.waitMilliseconds.toFixed(2)} ms, cost ${allocation.cost.toFixed(2)} per hour`;
  const split = allocation.shares
    ? ` (the optimizer's split, ${allocation.shares.map((share) => `${share.replicas} × ${share.accelerator}`).join(' + ')} at ${allocationCost(allocation).toFixed(2)} per hour, needs one accelerator per desired allocation; this is the same load on one)`
    : '';
  return { type: 'Allocated', status: 'True', reason: 'Optimized', message: `${written}${split}.` };
}

/** `Allocated=False` with the optimizer's reason, or a plain one when the optimizer gave none. */
export function leftOutCondition(left: UnallocatedServer | undefined, solver: string): ConditionUpdate {
  if (!left) {
    return {
      type: 'Allocated',
      status: 'False',
      reason: 'NotAllocated',
      message: `The optimizer (${solver}) did not allocate this server and gave no reason; desiredAlloc is left as it was.`,
    };
  }
  return {
    type: 'Allocated',
    status: 'False',
    reason: reasonOfCause[left.cause] ?? 'NotAllocated',
    message: `${left.reason} desiredAlloc is left as it was.`,
  };
}

/** `Valid`, from the problem found in the spec (if any). */
export function validCondition(problem: string | undefined): ConditionUpdate {
  return problem
    ? {
        type: 'Valid',
        status: 'False',
        reason: 'InvalidSpec',
        message: `${problem} The resource is left out of the optimization until it is fixed.`,
      }
    : {
        type: 'Valid',
        status: 'True',
        reason: 'ValidSpec',
        message: 'The spec is taken into the optimization.',
      };
}
