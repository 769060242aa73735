import type { AllocationSolution } from '@icl/core';
import type { AllocationCandidate, ServerCandidates } from './allocation-candidate';
import { assembleSolution, placementsOf } from './assemble-solution';
import { BinaryHeap } from './binary-heap';
import type { CandidateTable } from './build-candidate-table';

/** How the greedy solver works. */
export interface GreedyOptions {
  /**
   * After Inferno's pass, place the servers it left out by moving others to alternatives that free
   * devices, and lower the cost by moving servers to better candidates that fit. Default true; false
   * runs Inferno's greedy alone, to compare with it.
   */
  improve?: boolean;
  /**
   * Start from these placements (which must fit the capacity) instead of Inferno's pass, and only add to
   * and improve them: how the exact solver completes a stage's answer with the servers it left aside.
   */
  start?: ReadonlyMap<number, AllocationCandidate>;
}

/**
 * The capacity-limited greedy solver. First Inferno's pass: servers in priority order (most important
 * first) and, within a priority, by regret (how much more the next candidate costs), each taking its best
 * candidate that still fits or moving on to the next. Then, as long as anything changes: every server left
 * out is tried again, if need be by moving placed servers to other accelerators to free the devices it
 * needs; and placed servers move to better candidates that fit. No server placed is ever dropped, so each
 * priority class gets at least as many servers as Inferno's greedy gives it.
 */
export function solveGreedy(table: CandidateTable, options: GreedyOptions = {}): AllocationSolution {
  const chosen = greedyChoice(table, options);
  const placements = placementsOf(chosen);
  // Every server on its best candidate is the unlimited optimum, which is then optimal here too.
  const optimal = table.servers.every(
    (entry) => !entry.candidates[0] || chosen.get(entry.index) === entry.candidates[0],
  );
  return assembleSolution(
    table,
    placements,
    optimal ? { solver: 'greedy', optimal, gap: 0 } : { solver: 'greedy', optimal },
  );
}

/** The greedy solver's candidate per placed server. */
export function greedyChoice(
  table: CandidateTable,
  options: GreedyOptions = {},
): Map<number, AllocationCandidate> {
  const state = new GreedyState(table);
  let leftOut: ServerCandidates[];
  if (options.start) {
    for (const candidate of options.start.values()) state.assign(candidate);
    leftOut = table.servers.filter(
      (entry) => entry.candidates.length > 0 && !options.start!.has(entry.index),
    );
  } else leftOut = infernoPass(table, state);
  if (options.improve === false) return state.chosen;
  leftOut.sort(byPriorityThenName);
  for (let round = 0; round < 20; round++) {
    let changed = false;
    const stillOut = leftOut.filter((entry) => !state.place(entry));
    if (stillOut.length < leftOut.length) changed = true;
    leftOut = stillOut;
    if (state.improve()) changed = true;
    if (!changed) break;
  }
  return state.chosen;
}

interface QueueEntry {
  entry: ServerCandidates;
  /** The candidate being tried. */
  position: number;
  /** How much worse the next candidate is: large regret goes first. */
  regret: number;
}

function regretAt(entry: ServerCandidates, position: number): number {
  const next = entry.candidates[position + 1];
  return next ? next.value - entry.candidates[position]!.value : Number.POSITIVE_INFINITY;
}

/** Inferno's greedy pass; returns the servers with candidates that it could not place. */
function infernoPass(table: CandidateTable, state: GreedyState): ServerCandidates[] {
  const heap = new BinaryHeap<QueueEntry>(
    (left, right) =>
      compareNumbers(left.entry.priority ?? 0, right.entry.priority ?? 0) ||
      compareNumbers(right.regret, left.regret) ||
      compareNumbers(
        right.entry.candidates[right.position]!.value,
        left.entry.candidates[left.position]!.value,
      ) ||
      compareNames(left.entry.server.name, right.entry.server.name),
  );
  for (const entry of table.servers) {
    if (entry.candidates.length > 0) heap.push({ entry, position: 0, regret: regretAt(entry, 0) });
  }
  const leftOut: ServerCandidates[] = [];
  for (let item = heap.pop(); item; item = heap.pop()) {
    const candidate = item.entry.candidates[item.position]!;
    if (state.fits(candidate)) {
      state.assign(candidate);
      continue;
    }
    item.position++;
    if (item.position === item.entry.candidates.length) leftOut.push(item.entry);
    else
      heap.push({ entry: item.entry, position: item.position, regret: regretAt(item.entry, item.position) });
  }
  return leftOut;
}

/** Moves that free devices of one type, and what they cost. */
interface Repair {
  moves: Array<{ server: number; to: AllocationCandidate }>;
  /** Change of the total value, the moves and the new placement included. */
  valueChange: number;
}

/** Placements and free devices while the greedy solver works. Device types are kept by position. */
class GreedyState {
  readonly chosen = new Map<number, AllocationCandidate>();
  /** Free devices per type position; infinite when capacity is unlimited. */
  private readonly free: Float64Array;
  private readonly placedOnType: Array<Set<number>>;
  /** Bumped on every change, to invalidate `freeableCache`. */
  private version = 0;
  private readonly freeableCache: Array<{ version: number; devices: number } | undefined>;
  /**
   * Alternatives examined while looking for moves, and how many may be: repairs scan the servers placed
   * on a type, so they are bounded in proportion to the problem's size to keep the solver fast at scale
   * (and deterministic: the bound counts work, not time). Direct moves are not bounded.
   */
  private work = 0;
  private readonly budget: number;

  constructor(private readonly table: CandidateTable) {
    const types = table.deviceTypes;
    this.free = Float64Array.from(types, (type) =>
      table.capacity ? (table.capacity.get(type) ?? 0) : Number.POSITIVE_INFINITY,
    );
    this.placedOnType = types.map(() => new Set<number>());
    this.freeableCache = types.map(() => undefined);
    this.budget = 1_000_000 + 300 * table.servers.length;
  }

  /** Whether a candidate fits the free devices, counting those `replacing` would give back. */
  fits(candidate: AllocationCandidate, replacing?: AllocationCandidate): boolean {
    const type = candidate.deviceType;
    const returned = replacing && replacing.deviceType === type ? replacing.devices : 0;
    return candidate.devices <= this.free[type]! + returned;
  }

  assign(candidate: AllocationCandidate): void {
    this.release(candidate.server);
    this.chosen.set(candidate.server, candidate);
    this.free[candidate.deviceType]! -= candidate.devices;
    this.placedOnType[candidate.deviceType]!.add(candidate.server);
    this.version++;
  }

  private release(server: number): void {
    const current = this.chosen.get(server);
    if (!current) return;
    this.chosen.delete(server);
    this.free[current.deviceType]! += current.devices;
    this.placedOnType[current.deviceType]!.delete(server);
    this.version++;
  }

  /** Places a server left out: on a candidate that fits, else on the cheapest one made to fit by moving others. */
  place(entry: ServerCandidates): boolean {
    for (const candidate of entry.candidates) {
      if (this.fits(candidate)) {
        this.assign(candidate);
        return true;
      }
    }
    let best: { candidate: AllocationCandidate; repair: Repair } | undefined;
    for (const candidate of entry.candidates) {
      const repair = this.planRepair(candidate);
      if (repair && (!best || repair.valueChange < best.repair.valueChange)) best = { candidate, repair };
    }
    if (!best) return false;
    for (const move of best.repair.moves) this.assign(move.to);
    this.assign(best.candidate);
    return true;
  }

  /** Moves placed servers to better candidates while any fits, directly or by moving others; true if any moved. */
  improve(): boolean {
    let improved = false;
    for (let pass = 0; pass < 20; pass++) {
      let changed = false;
      // Servers furthest above their best candidate first.
      const order = [...this.chosen.values()]
        .map((candidate) => ({ candidate, slack: this.slack(candidate) }))
        .filter((item) => item.slack > 0)
        .sort((left, right) => right.slack - left.slack || left.candidate.server - right.candidate.server);
      for (const { candidate: current } of order) {
        if (this.chosen.get(current.server) !== current) continue;
        const entry = this.table.servers[current.server]!;
        for (const better of entry.candidates) {
          if (better === current) break;
          if (this.fits(better, current)) {
            this.assign(better);
            changed = true;
            break;
          }
          const repair = this.planRepair(better, current);
          if (repair && repair.valueChange - current.value < -1e-9 * Math.max(1, Math.abs(current.value))) {
            for (const move of repair.moves) this.assign(move.to);
            this.assign(better);
            changed = true;
            break;
          }
        }
      }
      if (!changed) break;
      improved = true;
    }
    return improved;
  }

  /** How much a server's value is above its best candidate's. */
  private slack(candidate: AllocationCandidate): number {
    return candidate.value - this.table.servers[candidate.server]!.candidates[0]!.value;
  }

  /**
   * Devices of `candidate`'s type to free by moving placed servers (other than the one `candidate` would
   * replace) to alternatives: the cheapest moves per device freed first. The devices the replaced
   * allocation gives back count as free for those moves, so two servers can swap accelerators. Undefined
   * when the moves cannot free enough.
   */
  private planRepair(candidate: AllocationCandidate, replacing?: AllocationCandidate): Repair | undefined {
    const type = candidate.deviceType;
    const returnedType = replacing ? replacing.deviceType : -1;
    let needed = candidate.devices - this.free[type]! - (returnedType === type ? replacing!.devices : 0);
    if (needed <= 0) return { moves: [], valueChange: candidate.value };
    if (this.work > this.budget) return undefined;
    if (!replacing && needed > this.freeable(type)) return undefined;
    const bonusType = returnedType === type ? -1 : returnedType;
    const bonus = bonusType >= 0 ? replacing!.devices : 0;
    const options: Array<{ server: number; to: AllocationCandidate; freed: number; change: number }> = [];
    for (const server of this.placedOnType[type]!) {
      if (server === candidate.server) continue;
      const move = this.bestMoveOff(server, type, bonusType, bonus);
      if (move) options.push(move);
    }
    this.work += options.length * 10;
    options.sort(
      (left, right) =>
        compareNumbers(left.change / left.freed, right.change / right.freed) ||
        compareNumbers(left.server, right.server),
    );
    const used = new Float64Array(this.free.length);
    const moves: Repair['moves'] = [];
    let valueChange = candidate.value;
    for (const option of options) {
      const toType = option.to.deviceType;
      if (toType !== type) {
        const room = this.free[toType]! + (toType === bonusType ? bonus : 0);
        if (used[toType]! + option.to.devices > room) continue;
        used[toType]! += option.to.devices;
      }
      moves.push({ server: option.server, to: option.to });
      valueChange += option.change;
      needed -= option.freed;
      if (needed <= 0) return { moves, valueChange };
    }
    return undefined;
  }

  /** The cheapest move per device freed of a placed server off (or to fewer devices of) `type`. */
  private bestMoveOff(
    server: number,
    type: number,
    bonusType: number,
    bonus: number,
  ): { server: number; to: AllocationCandidate; freed: number; change: number } | undefined {
    const current = this.chosen.get(server)!;
    const alternatives = this.table.servers[server]!.candidates;
    this.work += alternatives.length;
    let bestTo: AllocationCandidate | undefined;
    let bestFreed = 0;
    let bestChange = 0;
    for (const alternative of alternatives) {
      if (alternative === current) continue;
      const toType = alternative.deviceType;
      const freed = toType === type ? current.devices - alternative.devices : current.devices;
      if (freed <= 0) continue;
      if (toType !== type && alternative.devices > this.free[toType]! + (toType === bonusType ? bonus : 0))
        continue;
      const change = alternative.value - current.value;
      if (!bestTo || change * bestFreed < bestChange * freed) {
        bestTo = alternative;
        bestFreed = freed;
        bestChange = change;
      }
    }
    return bestTo && { server, to: bestTo, freed: bestFreed, change: bestChange };
  }

  /**
   * An upper bound on the devices of `type` that moving placed servers could free: each server's largest
   * release among alternatives that fit on their own. Cached until the placements change, so servers that
   * cannot be placed cost little.
   */
  private freeable(type: number): number {
    const cached = this.freeableCache[type];
    if (cached && cached.version === this.version) return cached.devices;
    let devices = 0;
    for (const server of this.placedOnType[type]!) {
      const current = this.chosen.get(server)!;
      const alternatives = this.table.servers[server]!.candidates;
      this.work += alternatives.length;
      let most = 0;
      for (const alternative of alternatives) {
        if (alternative === current) continue;
        const toType = alternative.deviceType;
        if (toType !== type && alternative.devices > this.free[toType]!) continue;
        most = Math.max(most, toType === type ? current.devices - alternative.devices : current.devices);
        if (most === current.devices) break;
      }
      devices += most;
    }
    this.freeableCache[type] = { version: this.version, devices };
    return devices;
  }
}

/** Most important class first, then by name: the order servers left out are tried in. */
export function byPriorityThenName(left: ServerCandidates, right: ServerCandidates): number {
  return (
    compareNumbers(left.priority ?? 0, right.priority ?? 0) ||
    compareNames(left.server.name, right.server.name)
  );
}

function compareNumbers(left: number, right: number): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareNames(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
