import type { OptimizerV1 } from '@icl/core';
import { solveAllocation } from './solve-allocation';

/** The ICL optimizer: Inferno's performance model with per-server, greedy and exact (HiGHS) solvers. */
export function createOptimizer(): OptimizerV1 {
  return { specificationVersion: 'v1', solve: solveAllocation };
}
