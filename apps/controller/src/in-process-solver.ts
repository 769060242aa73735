import { infernoSystemToProblem, solveAllocation } from '@icl/optimizer';
import type { AllocationSolver } from './allocation-solver';

/**
 * Solves with `@icl/optimizer` in the controller's own process, with the flags of the Optimizer resource
 * mapped as `icl optimize` maps them (`unlimited`, `heterogeneous`, `milpSolver` for the exact solver).
 */
export function createInProcessSolver(options: { exactTimeLimitMilliseconds: number }): AllocationSolver {
  return {
    description: 'in process',
    async solve(data) {
      const { problem, options: flags } = infernoSystemToProblem(data);
      return solveAllocation(problem, {
        ...flags,
        timeLimitMilliseconds: options.exactTimeLimitMilliseconds,
      });
    },
  };
}
