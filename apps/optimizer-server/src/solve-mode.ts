import type { AllocationOptions } from '@icl/core';

/** The solvers a request can ask for with `?mode=`. */
export const solveModes = ['unlimited', 'greedy', 'exact'] as const;

/**
 * `unlimited`: capacity ignored, each server's cheapest accelerator; `greedy`: capacity-limited and fast;
 * `exact`: the MILP, proven optimal within its time limit.
 */
export type SolveMode = (typeof solveModes)[number];

/**
 * The solver options for a request: Inferno's flags from the body (as `infernoSystemToProblem` maps them)
 * unless `mode` overrides them. Heterogeneous allocations need the MILP, so the greedy mode drops that
 * flag, as Inferno's greedy ignores it and as `icl optimize --mode` does.
 */
export function solveOptions(
  flags: AllocationOptions,
  mode: SolveMode | undefined,
  timeLimitMilliseconds: number | undefined,
): AllocationOptions {
  const chosen: SolveMode = mode ?? (flags.unlimited ? 'unlimited' : flags.exact ? 'exact' : 'greedy');
  const options: AllocationOptions = {};
  if (chosen === 'unlimited') options.unlimited = true;
  if (chosen === 'exact') options.exact = true;
  if (flags.heterogeneous && chosen !== 'greedy') options.heterogeneous = true;
  if (timeLimitMilliseconds !== undefined) options.timeLimitMilliseconds = timeLimitMilliseconds;
  return options;
}
