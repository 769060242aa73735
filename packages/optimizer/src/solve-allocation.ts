import type { AllocationOptions, AllocationProblem, AllocationSolution } from '@icl/core';
import { buildCandidateTable, type CandidateTable } from './build-candidate-table';
import { solveGreedySaturated } from './saturation-policy';
import { solveExact } from './solve-exact';
import { solveGreedy } from './solve-greedy';
import { solveUnlimited } from './solve-unlimited';

/**
 * Solves an allocation problem with the solver `options.solver` names (default `greedy`), and reports
 * that solver in the solution:
 *
 * - `unlimited` (or a problem without capacity): each server's best candidate; with `heterogeneous`,
 *   the MILP without capacity rows, as only it can split a server over accelerators;
 * - `exact`: the MILP within `options.timeLimitMilliseconds` (without capacity, the per-server best is
 *   already optimal);
 * - `greedy`: the greedy solver.
 *
 * Every server is sized on every accelerator once, then the chosen solver picks among those candidates.
 */
export async function solveAllocation(
  problem: AllocationProblem,
  options: AllocationOptions = {},
): Promise<AllocationSolution> {
  return solveCandidateTable(
    buildCandidateTable(problem, {
      preciseRates: options.heterogeneous === true,
      ...(options.maximumReplicasPerServer === undefined
        ? {}
        : { maximumReplicasPerServer: options.maximumReplicasPerServer }),
    }),
    options,
  );
}

/** {@link solveAllocation} on servers already sized, to try several solvers on one table. */
export async function solveCandidateTable(
  table: CandidateTable,
  options: AllocationOptions = {},
): Promise<AllocationSolution> {
  const solver = options.solver ?? 'greedy';
  const unlimited = solver === 'unlimited' || table.capacity === undefined;
  const heterogeneous = options.heterogeneous === true && solver !== 'greedy';
  let solution: AllocationSolution;
  if (heterogeneous || (solver === 'exact' && !unlimited)) {
    solution = await solveExact(table, {
      heterogeneous,
      unlimited,
      timeLimitMilliseconds: options.timeLimitMilliseconds,
      relativeGapTolerance: options.relativeGapTolerance,
      ...(options.saturationPolicy ? { saturationPolicy: options.saturationPolicy } : {}),
    });
  } else if (unlimited) solution = solveUnlimited(table);
  else if (options.saturationPolicy && options.saturationPolicy !== 'None')
    solution = solveGreedySaturated(table, options.saturationPolicy, options.delayedBestEffort === true);
  else solution = solveGreedy(table);
  return { ...solution, solver };
}
