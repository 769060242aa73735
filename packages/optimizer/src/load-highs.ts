import type { Highs } from 'highs';

let loading: Promise<Highs> | undefined;

/**
 * The HiGHS MILP solver (compiled to WebAssembly), loaded on first use and shared: loading takes about a
 * tenth of a second, which the per-server and greedy solvers never pay.
 */
export function loadHighs(): Promise<Highs> {
  loading ??= import('highs').then((module) => module.default());
  return loading;
}
