import type { AllocationSolution } from '@icl/core';
import type { AllocationCandidate } from './allocation-candidate';
import { assembleSolution, placementsOf } from './assemble-solution';
import type { CandidateTable } from './build-candidate-table';

/**
 * Capacity ignored: each server gets its best candidate, which is optimal because servers no longer compete.
 * The best is the lowest value (Inferno's transition-penalised cost); ties go to the lower cost, then to
 * fewer devices, then to the accelerator name in code-point order, so the answer never depends on the order
 * of the input (Inferno breaks these ties in random map order).
 */
export function solveUnlimited(table: CandidateTable): AllocationSolution {
  return assembleSolution(table, placementsOf(unlimitedChoice(table)), {
    solver: 'unlimited',
    optimal: true,
    gap: 0,
  });
}

/** Each server's best candidate, for the servers that have one. */
export function unlimitedChoice(table: CandidateTable): Map<number, AllocationCandidate> {
  const choice = new Map<number, AllocationCandidate>();
  for (const entry of table.servers) {
    const best = entry.candidates[0];
    if (best) choice.set(entry.index, best);
  }
  return choice;
}
