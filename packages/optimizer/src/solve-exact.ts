import type { AllocationSolution, SaturationPolicyV1 } from '@icl/core';
import type { Highs, Model } from 'highs';
import type { AllocationCandidate } from './allocation-candidate';
import {
  type AllocationFormulation,
  formulateHeterogeneous,
  formulateSingle,
} from './allocation-formulation';
import { freeDevicesAfter, type Placement, placementsOf } from './assemble-solution';
import type { CandidateTable } from './build-candidate-table';
import { loadHighs } from './load-highs';
import { saturateSolution } from './saturation-policy';
import { greedyChoice } from './solve-greedy';
import { unlimitedChoice } from './solve-unlimited';

/** How the exact solver works. */
export interface ExactOptions {
  /** Let a server's replicas span accelerator types. */
  heterogeneous?: boolean;
  /** Ignore capacity. */
  unlimited?: boolean;
  /** Wall-clock budget for all stages; the best allocation found by then is returned. Default 10 s. */
  timeLimitMilliseconds?: number;
  /** Stop the cost stage once proven within this relative gap. Default 0: prove optimality. */
  relativeGapTolerance?: number;
  /** Give the servers left out what capacity remains, as this policy says (default `None`). */
  saturationPolicy?: SaturationPolicyV1;
}

/** Default wall-clock budget of the exact solver. */
export const defaultExactTimeLimitMilliseconds = 10_000;

/** Gaps below this are rounding, not distance from the optimum. */
const provenGap = 1e-9;

/**
 * The exact solver: a mixed-integer program solved with HiGHS, lexicographically. For each priority, most
 * important first, it maximises the servers of that priority served, keeping what the previous stages
 * achieved; then it minimises the total value (Inferno's transition-penalised cost) serving those counts.
 * A priority whose servers the incumbent already serves all costs nothing; otherwise a cheap question
 * comes first (can they all be served? any solution answers it), and only if not, the maximisation.
 *
 * Every stage starts from the greedy allocation (or the previous stage's), so whatever the time limit
 * interrupts, the answer is feasible and at least as good as the greedy one; `optimal` says whether every
 * stage was proven, `gap` how far the cost stage's allocation may be from its bound. Without capacity
 * pressure (the per-server optimum fits) the per-server optimum is returned at once, proven.
 */
export async function solveExact(
  table: CandidateTable,
  options: ExactOptions = {},
): Promise<AllocationSolution> {
  const started = performance.now();
  const deadline = started + (options.timeLimitMilliseconds ?? defaultExactTimeLimitMilliseconds);
  const heterogeneous = options.heterogeneous === true;
  const unlimited = options.unlimited === true || table.capacity === undefined;
  const policy = options.saturationPolicy ?? 'None';
  let start: Map<number, AllocationCandidate> | undefined;
  if (heterogeneous && !unlimited) {
    // Any single-accelerator allocation is a heterogeneous one: the single solve's answer (with part of
    // the budget) is where the split one starts, so splitting never places fewer servers or costs more.
    const single = await exactOutcome(table, false, false, started + (deadline - started) * 0.4, options);
    start = new Map();
    for (const [server, placement] of single.placements)
      if ('candidate' in placement) start.set(server, placement.candidate);
  }
  const outcome = await exactOutcome(table, heterogeneous, unlimited, deadline, options, start);
  return saturateSolution(table, outcome.placements, policy, {
    solver: 'exact',
    optimal: outcome.optimal,
    gap: outcome.gap,
  });
}

/** One exact solve, from `start` (by default the greedy's answer, or the unlimited one without capacity). */
async function exactOutcome(
  table: CandidateTable,
  heterogeneous: boolean,
  unlimited: boolean,
  deadline: number,
  options: ExactOptions,
  start?: ReadonlyMap<number, AllocationCandidate>,
): Promise<StagedOutcome> {
  if (!heterogeneous) {
    const best = placementsOf(unlimitedChoice(table));
    const free = freeDevicesAfter(table, best);
    if (unlimited || ![...(free?.values() ?? [])].some((devices) => devices < 0)) {
      return { placements: best, optimal: true, gap: 0 };
    }
  }
  const formulation = heterogeneous
    ? formulateHeterogeneous(table, unlimited)
    : formulateSingle(table, unlimited);
  if (formulation.columnCount === 0) {
    // No server fits anywhere: leaving them all out is the only allocation.
    return { placements: new Map(), optimal: true, gap: 0 };
  }
  const initial = start ?? (unlimited ? unlimitedChoice(table) : greedyChoice(table));
  const highs = await loadHighs();
  // A stage's answer may leave aside servers it was not asked about; the greedy fills them in where they
  // fit, which only adds servers, so the answer stays valid for every stage so far.
  const complete = heterogeneous
    ? (values: Float64Array) => values
    : (values: Float64Array) => {
        const choice = new Map<number, AllocationCandidate>();
        for (const [server, placement] of formulation.decode(values)) {
          if ('candidate' in placement) choice.set(server, placement.candidate);
        }
        return formulation.encode(greedyChoice(table, { start: choice }));
      };
  return solveLexicographically(
    highs,
    table,
    formulation,
    formulation.encode(initial),
    complete,
    deadline,
    options,
  );
}

interface StagedOutcome {
  placements: Map<number, Placement>;
  optimal: boolean;
  gap: number;
}

function solveLexicographically(
  highs: Highs,
  table: CandidateTable,
  formulation: AllocationFormulation,
  start: Float64Array,
  complete: (values: Float64Array) => Float64Array,
  deadline: number,
  options: ExactOptions,
): StagedOutcome {
  const model = highs.createModel(toModelData(highs, formulation));
  try {
    // HiGHS's presolve costs more than it saves on these models (a row per server, one per device type)
    // and does not heed the time limit on large ones; the MIP search does.
    model.options.set({
      output_flag: false,
      presolve: 'off',
      mip_rel_gap: 0,
      mip_abs_gap: 1e-6,
      mip_heuristic_run_feasibility_jump: false,
    });
    const constraints = new StageConstraints(formulation);
    let incumbent = start;
    let proven = true;

    const byPriority = new Map<number, number[]>();
    for (const server of formulation.servedColumns.keys()) {
      const priority = table.servers[server]!.priority ?? 0;
      byPriority.set(priority, [...(byPriority.get(priority) ?? []), server]);
    }
    const priorities = [...byPriority.keys()].sort((left, right) => left - right);
    const zero = new Float64Array(formulation.columnCount);
    const requireServed = (servers: number[], required: boolean) => {
      for (const server of servers) {
        const row = formulation.servedRows?.get(server);
        if (row !== undefined) model.changeRowBounds(row, required ? 1 : Number.NEGATIVE_INFINITY, 1);
        else model.changeColBounds(formulation.servedColumns.get(server)![0]!, required ? 1 : 0, 1);
      }
      constraints.require(servers, required);
    };

    // A stage per priority, most important first: serve as many of its servers as possible.
    for (const [position, priority] of priorities.entries()) {
      const servers = byPriority.get(priority)!;
      let count = constraints.served(incumbent, servers);
      const share = () => (deadline - performance.now()) / (priorities.length - position + 1);
      if (count < servers.length) {
        // First the cheap question: can all of them be served? Any solution answers it.
        requireServed(servers, true);
        const probe = runStage(highs, model, constraints, zero, undefined, share(), 0, 0);
        if (probe.values) {
          incumbent = constraints.accept(complete(probe.values)) ?? probe.values;
          count = servers.length;
        } else {
          requireServed(servers, false);
          if (!probe.infeasible) proven = false;
          // Not all of them: as many as possible.
          const costs = new Float64Array(formulation.columnCount);
          for (const server of servers)
            for (const column of formulation.servedColumns.get(server)!) costs[column] = -1;
          const run = runStage(highs, model, constraints, costs, incumbent, share(), 0.99, 0);
          if (run.values && constraints.served(run.values, servers) > count) {
            incumbent = constraints.accept(complete(run.values)) ?? run.values;
            count = constraints.served(incumbent, servers);
          }
          if (!run.optimal) proven = false;
        }
      }
      if (count === servers.length) requireServed(servers, true);
      else {
        const columns = servers.flatMap((server) => formulation.servedColumns.get(server)!);
        model.addRow(count - 0.5, Number.POSITIVE_INFINITY, {
          indices: Int32Array.from(columns),
          values: Float64Array.from(columns, () => 1),
        });
        constraints.atLeast(columns, count);
      }
    }

    // Last stage: the lowest value serving those counts.
    const run = runStage(
      highs,
      model,
      constraints,
      formulation.valueCosts,
      incumbent,
      deadline - performance.now(),
      1e-6,
      options.relativeGapTolerance ?? 0,
    );
    const objective = (values: ArrayLike<number>) =>
      formulation.valueCosts.reduce((sum, cost, column) => sum + cost * (values[column] ?? 0), 0);
    let values = incumbent;
    if (run.values && objective(run.values) <= objective(incumbent) + 1e-9) values = run.values;
    const primal = objective(values);
    const bound = Math.min(run.bound ?? Number.NEGATIVE_INFINITY, primal);
    const gap = Number.isFinite(bound) ? Math.max(0, (primal - bound) / Math.max(Math.abs(primal), 1e-9)) : 1;
    return {
      placements: formulation.decode(values),
      optimal: proven && run.optimal && gap <= provenGap,
      gap: gap <= provenGap ? 0 : gap,
    };
  } finally {
    model.dispose();
  }
}

/**
 * The constraints the stages have added, kept beside the solver's model so that every vector the solver
 * returns is checked before it is used: a stage interrupted by the time limit must never hand back
 * something infeasible (or left over from an earlier stage).
 */
class StageConstraints {
  private readonly required = new Set<number>();
  private readonly counts: Array<{ columns: number[]; minimum: number }> = [];

  constructor(private readonly formulation: AllocationFormulation) {}

  require(servers: number[], required: boolean): void {
    for (const server of servers) {
      if (required) this.required.add(server);
      else this.required.delete(server);
    }
  }

  atLeast(columns: number[], minimum: number): void {
    this.counts.push({ columns, minimum });
  }

  /** How many of `servers` a vector serves. */
  served(values: ArrayLike<number>, servers: number[]): number {
    let count = 0;
    for (const server of servers) {
      for (const column of this.formulation.servedColumns.get(server)!) count += values[column] ?? 0;
    }
    return Math.round(count);
  }

  /** The vector rounded to integers, if it meets every bound, row and stage constraint; else undefined. */
  accept(values: ArrayLike<number>): Float64Array | undefined {
    const formulation = this.formulation;
    const rounded = new Float64Array(formulation.columnCount);
    for (let column = 0; column < formulation.columnCount; column++) {
      const value = values[column] ?? 0;
      const integer = Math.round(value);
      if (Math.abs(value - integer) > 1e-6 || integer < 0 || integer > formulation.columnUpper[column]!)
        return undefined;
      rounded[column] = integer;
    }
    for (const row of formulation.rows) {
      let sum = 0;
      for (let index = 0; index < row.columns.length; index++)
        sum += row.values[index]! * rounded[row.columns[index]!]!;
      const tolerance = 1e-9 * Math.max(1, Math.abs(sum));
      if (sum < row.lower - tolerance || sum > row.upper + tolerance) return undefined;
    }
    for (const server of this.required) if (this.served(rounded, [server]) !== 1) return undefined;
    for (const { columns, minimum } of this.counts) {
      if (columns.reduce((sum, column) => sum + rounded[column]!, 0) < minimum) return undefined;
    }
    return rounded;
  }
}

interface StageRun {
  values: Float64Array | undefined;
  optimal: boolean;
  infeasible: boolean;
  bound: number | undefined;
}

/** One MILP solve of the current rows under `costs`, warm-started when given a start, within `milliseconds`. */
function runStage(
  highs: Highs,
  model: Model,
  constraints: StageConstraints,
  costs: Float64Array,
  start: Float64Array | undefined,
  milliseconds: number,
  absoluteGap: number,
  relativeGap: number,
): StageRun {
  model.changeColsCost({ kind: 'range', from: 0, to: costs.length - 1 }, costs);
  model.options.set({
    time_limit: Math.max(milliseconds, 50) / 1000,
    mip_abs_gap: absoluteGap,
    mip_rel_gap: relativeGap,
  });
  model.zeroAllClocks();
  // Forget the previous stage's solution: its rows and costs were different.
  model.clearSolver();
  if (start) model.setSolution({ colValue: start });
  const { modelStatus } = model.run();
  const feasible = Number(model.info.get('primal_solution_status')) === 2;
  const bound = Number(model.info.get('mip_dual_bound'));
  return {
    values: feasible ? constraints.accept(model.getSolution().colValue) : undefined,
    optimal: modelStatus === highs.constants.modelStatus.optimal,
    infeasible: modelStatus === highs.constants.modelStatus.infeasible,
    bound: Number.isFinite(bound) ? bound : undefined,
  };
}

function toModelData(highs: Highs, formulation: AllocationFormulation) {
  const starts = new Int32Array(formulation.rows.length + 1);
  let nonzeros = 0;
  formulation.rows.forEach((row, index) => {
    nonzeros += row.columns.length;
    starts[index + 1] = nonzeros;
  });
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let position = 0;
  for (const row of formulation.rows) {
    indices.set(row.columns, position);
    values.set(row.values, position);
    position += row.columns.length;
  }
  const infinity = highs.infinity;
  const bound = (value: number) =>
    value === Number.POSITIVE_INFINITY ? infinity : value === Number.NEGATIVE_INFINITY ? -infinity : value;
  return {
    numCols: formulation.columnCount,
    numRows: formulation.rows.length,
    colCost: new Float64Array(formulation.columnCount),
    colLower: new Float64Array(formulation.columnCount),
    colUpper: Float64Array.from(formulation.columnUpper),
    rowLower: Float64Array.from(formulation.rows, (row) => bound(row.lower)),
    rowUpper: Float64Array.from(formulation.rows, (row) => bound(row.upper)),
    matrix: {
      format: 'csr' as const,
      numRows: formulation.rows.length,
      numCols: formulation.columnCount,
      starts,
      indices,
      values,
    },
    integrality: new Int32Array(formulation.columnCount).fill(highs.constants.variableType.integer),
  };
}
