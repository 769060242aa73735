import type { AllocationOptions, AllocationProblem, AllocationSolution } from '@icl/core';
import { buildCandidateTable, type CandidateTable } from './build-candidate-table';
import { solveExact } from './solve-exact';
import { solveGreedy } from './solve-greedy';
import { solveUnlimited } from './solve-unlimited';

/**
 * Solves an allocation problem:
 *
 * - capacity unlimited (`options.unlimited`, or the problem gives none): each server's best candidate;
 * - `options.exact`, or `options.heterogeneous` (only the MILP can split a server over accelerators): the
 *   exact solver, within `options.timeLimitMilliseconds`;
 * - otherwise the greedy solver.
 *
 * Every server is sized on every accelerator once, then the chosen solver picks among those candidates.
 */
export async function solveAllocation(
  problem: AllocationProblem,
  options: AllocationOptions = {},
): Promise<AllocationSolution> {
  return solveCandidateTable(
    buildCandidateTable(problem, { preciseRates: options.heterogeneous === true }),
    options,
  );
}

/** {@link solveAllocation} on servers already sized, to try several solvers on one table. */
export async function solveCandidateTable(
  table: CandidateTable,
  options: AllocationOptions = {},
): Promise<AllocationSolution> {
  const unlimited = options.unlimited === true || table.capacity === undefined;
  if (options.heterogeneous || (options.exact && !unlimited)) {
    return solveExact(table, {
      heterogeneous: options.heterogeneous === true,
      unlimited,
      timeLimitMilliseconds: options.timeLimitMilliseconds,
      relativeGapTolerance: options.relativeGapTolerance,
    });
  }
  if (unlimited) return solveUnlimited(table);
  return solveGreedy(table);
}
