import type { AllocationSolution } from '@icl/core';
import type { InfernoSystemData } from '@icl/optimizer';

/**
 * Solves Inferno's system data: in process with `@icl/optimizer`, or by an Inferno-compatible optimizer
 * REST server. Either way the answer is the core's solution, with a reason for every server left out.
 */
export interface AllocationSolver {
  /** Where solving happens, for logs and conditions (`in process`, `http://optimizer:8080`). */
  readonly description: string;
  /** @throws when the problem cannot be solved (the REST server does not answer, or refuses it). */
  solve(data: InfernoSystemData): Promise<AllocationSolution>;
}
