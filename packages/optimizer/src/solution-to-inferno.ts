import type { AllocationProblem, AllocationSolution } from '@icl/core';
import type { InfernoAllocationSolution, InfernoSolutionAllocation } from './inferno-data';
import { infernoAllocation } from './problem-to-inferno-system';

/**
 * The solution in the shape of Inferno's `solution-data.json` (what `POST /optimizeOne` answers): each
 * allocated server with its load, plus ICL's fields, which Inferno's clients ignore: the servers left out
 * with their explanation, the total cost, whether it is proven optimal and the gap.
 */
export function solutionToInferno(
  solution: AllocationSolution,
  problem: AllocationProblem,
): InfernoAllocationSolution {
  const loads = new Map(problem.servers.map((server) => [server.name, server.load]));
  const allocations: Record<string, InfernoSolutionAllocation> = {};
  for (const [name, allocation] of Object.entries(solution.allocations)) {
    const load = loads.get(name) ?? { arrivalRate: 0, averageLength: 0 };
    const data: InfernoSolutionAllocation = infernoAllocation(allocation, load);
    if (allocation.transitionPenalty !== undefined) data.transitionPenalty = allocation.transitionPenalty;
    if (allocation.shares) data.shares = allocation.shares;
    allocations[name] = data;
  }
  const answer: InfernoAllocationSolution = {
    allocations,
    unallocated: solution.unallocated,
    totalCost: solution.totalCost,
    optimal: solution.optimal,
  };
  if (solution.gap !== undefined) answer.gap = solution.gap;
  if (solution.solver) answer.solver = solution.solver;
  return answer;
}
