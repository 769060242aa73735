import type { AllocationCandidate } from './allocation-candidate';
import type { Placement } from './assemble-solution';
import type { CandidateTable } from './build-candidate-table';
import { getOrCreate } from './get-or-create';
import { acceleratorChangeFactor } from './transition-penalty';

/** One linear constraint `lower ≤ Σ values[k] · x[columns[k]] ≤ upper`. */
export interface LinearRow {
  columns: number[];
  values: number[];
  lower: number;
  upper: number;
}

/**
 * The allocation problem as a mixed-integer program over a candidate table, ready for a MILP solver, with
 * the mapping between solver vectors and placements.
 */
export interface AllocationFormulation {
  columnCount: number;
  columnUpper: number[];
  rows: LinearRow[];
  /** The cost objective: Inferno's value of every column. */
  valueCosts: Float64Array;
  /** Per server (by index) with columns: the columns whose sum is 1 when it is served, 0 when not. */
  servedColumns: Map<number, number[]>;
  /**
   * How to require a server to be served: the row bounding its columns' sum to at most 1, to be raised to
   * exactly 1 (single-accelerator), or else its one "served" column, to be fixed at 1 (heterogeneous).
   * Fixing each server is much stronger for the solver than a row counting a priority's servers.
   */
  servedRows?: Map<number, number>;
  /** The solver vector of a single-candidate choice (a warm start). */
  encode(choice: ReadonlyMap<number, AllocationCandidate>): Float64Array;
  /** The placements a solver vector describes. */
  decode(values: ArrayLike<number>): Map<number, Placement>;
}

/** Devices of a type that may be used; infinite when capacity is unlimited. */
function capacityOf(table: CandidateTable, type: string, unlimited: boolean): number {
  if (unlimited || !table.capacity) return Number.POSITIVE_INFINITY;
  return table.capacity.get(type) ?? 0;
}

function capacityRows(
  table: CandidateTable,
  unlimited: boolean,
  usage: Array<{ column: number; type: string; devices: number }>,
): LinearRow[] {
  if (unlimited || !table.capacity) return [];
  const byType = new Map<string, LinearRow>();
  for (const { column, type, devices } of usage) {
    if (devices <= 0) continue;
    const row = getOrCreate(byType, type, () => ({
      columns: [] as number[],
      values: [] as number[],
      lower: Number.NEGATIVE_INFINITY,
      upper: capacityOf(table, type, false),
    }));
    row.columns.push(column);
    row.values.push(devices);
  }
  return [...byType.values()];
}

/**
 * Single-accelerator allocation: a 0/1 column per (server, candidate) whose devices fit the capacity, at
 * most one per server, the devices of each type within its capacity. Compact: a server's candidates are its
 * only variables, and capacity is one row per device type.
 */
export function formulateSingle(table: CandidateTable, unlimited: boolean): AllocationFormulation {
  const columns: AllocationCandidate[] = [];
  const servedColumns = new Map<number, number[]>();
  const servedRows = new Map<number, number>();
  const rows: LinearRow[] = [];
  const usage: Array<{ column: number; type: string; devices: number }> = [];
  for (const entry of table.servers) {
    const own: number[] = [];
    for (const candidate of entry.candidates) {
      const devices = candidate.devices;
      if (devices > capacityOf(table, candidate.accelerator.type, unlimited)) continue;
      own.push(columns.length);
      usage.push({ column: columns.length, type: candidate.accelerator.type, devices });
      columns.push(candidate);
    }
    if (own.length === 0) continue;
    servedColumns.set(entry.index, own);
    servedRows.set(entry.index, rows.length);
    rows.push({ columns: own, values: own.map(() => 1), lower: Number.NEGATIVE_INFINITY, upper: 1 });
  }
  rows.push(...capacityRows(table, unlimited, usage));
  const index = new Map(columns.map((candidate, column) => [candidate, column]));
  return {
    columnCount: columns.length,
    columnUpper: columns.map(() => 1),
    rows,
    valueCosts: Float64Array.from(columns, (candidate) => candidate.value),
    servedColumns,
    servedRows,
    encode(choice) {
      const values = new Float64Array(columns.length);
      for (const candidate of choice.values()) {
        const column = index.get(candidate);
        if (column !== undefined) values[column] = 1;
      }
      return values;
    },
    decode(values) {
      const placements = new Map<number, Placement>();
      columns.forEach((candidate, column) => {
        if ((values[column] ?? 0) > 0.5) placements.set(candidate.server, { candidate });
      });
      return placements;
    },
  };
}

/**
 * Heterogeneous allocation: per server a 0/1 column "served" and an integer column per candidate, the
 * replicas on that accelerator (at most the candidate's own count, which alone suffices). When served, the
 * replicas together sustain the server's request rate (each at most its largest rate within the targets)
 * and number at least its minimum; when not, they are 0. Replicas are priced at their cost, plus Inferno's
 * tenth on accelerators other than the current one, minus the current cost when served: the transition
 * penalty made linear, exact when a server stays on its accelerator or moves all its replicas.
 */
export function formulateHeterogeneous(table: CandidateTable, unlimited: boolean): AllocationFormulation {
  type Column = { kind: 'served'; server: number } | { kind: 'replicas'; candidate: AllocationCandidate };
  const columns: Column[] = [];
  const upper: number[] = [];
  const costs: number[] = [];
  const servedColumns = new Map<number, number[]>();
  const replicaColumns = new Map<AllocationCandidate, number>();
  const rows: LinearRow[] = [];
  const usage: Array<{ column: number; type: string; devices: number }> = [];
  for (const entry of table.servers) {
    if (entry.candidates.length === 0) continue;
    const current = entry.server.currentAllocation;
    const served = columns.length;
    columns.push({ kind: 'served', server: entry.index });
    upper.push(1);
    costs.push(-(current?.cost ?? 0));
    const rate: LinearRow = {
      columns: [served],
      values: [-entry.requiredRate],
      lower: 0,
      upper: Number.POSITIVE_INFINITY,
    };
    const minimum = entry.server.minimumReplicas ?? 0;
    const count: LinearRow = {
      columns: [served],
      values: [-minimum],
      lower: 0,
      upper: Number.POSITIVE_INFINITY,
    };
    for (const candidate of entry.candidates) {
      const byCapacity = Math.floor(
        capacityOf(table, candidate.accelerator.type, unlimited) / Math.max(candidate.devicesPerReplica, 1),
      );
      const most = Math.min(candidate.replicas, byCapacity);
      if (most <= 0) continue;
      const column = columns.length;
      columns.push({ kind: 'replicas', candidate });
      replicaColumns.set(candidate, column);
      upper.push(most);
      const factor = current?.accelerator === candidate.accelerator.name ? 1 : 1 + acceleratorChangeFactor;
      costs.push(candidate.costPerReplica * factor);
      usage.push({ column, type: candidate.accelerator.type, devices: candidate.devicesPerReplica });
      rate.columns.push(column);
      rate.values.push(candidate.maximumRatePerReplica);
      count.columns.push(column);
      count.values.push(1);
      rows.push({ columns: [column, served], values: [1, -most], lower: Number.NEGATIVE_INFINITY, upper: 0 });
    }
    if (entry.requiredRate > 0) rows.push(rate);
    if (minimum > 0) rows.push(count);
    servedColumns.set(entry.index, [served]);
  }
  rows.push(...capacityRows(table, unlimited, usage));
  return {
    columnCount: columns.length,
    columnUpper: upper,
    rows,
    valueCosts: Float64Array.from(costs),
    servedColumns,
    encode(choice) {
      const values = new Float64Array(columns.length);
      for (const candidate of choice.values()) {
        const column = replicaColumns.get(candidate);
        const served = servedColumns.get(candidate.server)?.[0];
        if (served === undefined || (column === undefined && candidate.replicas > 0)) continue;
        values[served] = 1;
        if (column !== undefined) values[column] = candidate.replicas;
      }
      return values;
    },
    decode(values) {
      const placements = new Map<number, Placement>();
      const shares = new Map<number, Array<{ candidate: AllocationCandidate; replicas: number }>>();
      columns.forEach((column, index) => {
        const value = Math.round(values[index] ?? 0);
        if (column.kind === 'served') {
          if (value > 0) shares.set(column.server, shares.get(column.server) ?? []);
        } else if (value > 0) {
          const list = shares.get(column.candidate.server) ?? [];
          shares.set(column.candidate.server, list);
          list.push({ candidate: column.candidate, replicas: value });
        }
      });
      for (const [server, list] of shares) {
        const servedValue = values[servedColumns.get(server)![0]!] ?? 0;
        if (servedValue < 0.5) continue;
        const only = list.length === 1 ? list[0]! : undefined;
        if (only && only.replicas === only.candidate.replicas)
          placements.set(server, { candidate: only.candidate });
        else if (list.length === 0) {
          const idle = table.servers[server]!.candidates[0]!;
          placements.set(server, { candidate: idle });
        } else placements.set(server, { shares: list });
      }
      return placements;
    },
  };
}
