import { resolve } from 'node:path';
import {
  type AllocationSolution,
  type AllocationSolverV1,
  allocationCost,
  allocationSolvers,
  InvalidArgumentError,
  type ServerAllocation,
} from '@icl/core';
import { formatTable } from '../format-table';
import { isStyledStream, paint } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl optimize`. */
export interface OptimizeCommandOptions {
  /** `--dir`: where the Inferno data is. */
  dir: string;
  /** `--mode`: unlimited, greedy or exact (as typed; checked here). */
  mode?: string;
  /** `--json`: print Inferno's solution-data.json shape instead of a table. */
  json?: boolean;
  /** `--max-replicas`: the most replicas a server may have (as typed; checked here). */
  maxReplicas?: string;
}

/**
 * `icl optimize`: reads a problem in Inferno's formats, solves it, and prints one row per server
 * (accelerator, replicas, batch, inter-token latency, wait, cost), the servers left out with the reason,
 * and the totals.
 */
export async function optimizeCommand(options: OptimizeCommandOptions): Promise<number> {
  const mode = options.mode;
  if (mode !== undefined && !(allocationSolvers as readonly string[]).includes(mode)) {
    throw new InvalidArgumentError({
      argument: '--mode',
      message: `Invalid --mode "${mode}".`,
      hint: `Give one of ${allocationSolvers.join(', ')}.`,
    });
  }
  const maximumReplicas = options.maxReplicas === undefined ? undefined : Number(options.maxReplicas);
  if (maximumReplicas !== undefined && !(Number.isInteger(maximumReplicas) && maximumReplicas >= 1)) {
    throw new InvalidArgumentError({
      argument: '--max-replicas',
      message: `Invalid --max-replicas "${options.maxReplicas}".`,
      hint: 'Give a whole number of replicas, at least 1.',
    });
  }
  const optimizer = await import('@icl/optimizer');
  const data = await optimizer.readInfernoDirectory(resolve(options.dir));
  const { problem, options: flags } = optimizer.infernoSystemToProblem(data);
  // A mode given on the command line wins over Inferno's flags.
  const solution = await optimizer.solveAllocation(problem, {
    ...flags,
    ...(mode === undefined ? {} : { solver: mode as AllocationSolverV1 }),
    ...(maximumReplicas === undefined ? {} : { maximumReplicasPerServer: maximumReplicas }),
  });
  if (options.json) {
    await printJson(optimizer.solutionToInferno(solution, problem));
    return 0;
  }
  const styled = isStyledStream(process.stdout);
  const rows = problem.servers.map((server) => {
    const allocation = solution.allocations[server.name];
    if (!allocation) {
      const text = 'not placed';
      return [server.name, { text, styled: paint(text, 'red', styled) }, '-', '-', '-', '-', '-'];
    }
    return [
      server.name,
      acceleratorsOf(allocation),
      replicasOf(allocation),
      String(allocation.maxBatch),
      `${perShare(allocation, (share) => share.interTokenLatencyMilliseconds.toFixed(2))} ms`,
      `${perShare(allocation, (share) => share.waitMilliseconds.toFixed(2))} ms`,
      allocationCost(allocation).toFixed(2),
    ];
  });
  let text = formatTable(['SERVER', 'ACCELERATOR', 'REPLICAS', 'BATCH', 'ITL', 'WAIT', 'COST'], rows);
  if (solution.unallocated.length > 0) {
    text += `\nLeft out:\n${solution.unallocated.map((entry) => `  ${entry.reason}\n`).join('')}`;
  }
  const placed = Object.keys(solution.allocations).length;
  text +=
    placed === 0
      ? `\nNo server could be placed (${solution.solver ?? 'optimizer'}): each one's reason is listed above.\n`
      : `\nTotal cost ${solution.totalCost.toFixed(2)} per hour; ${placed} of ${problem.servers.length} servers placed (${quality(solution)}).\n`;
  await writeOutput(process.stdout, text);
  return 0;
}

function acceleratorsOf(allocation: ServerAllocation): string {
  return allocation.shares
    ? allocation.shares.map((share) => share.accelerator).join('+')
    : allocation.accelerator;
}

/** A figure of each share of a split allocation (`12.10+9.80`), or of the allocation. */
function perShare(
  allocation: ServerAllocation,
  figure: (share: Pick<ServerAllocation, 'interTokenLatencyMilliseconds' | 'waitMilliseconds'>) => string,
): string {
  return allocation.shares ? allocation.shares.map(figure).join('+') : figure(allocation);
}

function replicasOf(allocation: ServerAllocation): string {
  return allocation.shares
    ? allocation.shares.map((share) => share.replicas).join('+')
    : String(allocation.replicas);
}

function quality(solution: AllocationSolution): string {
  const solver = solution.solver ?? 'optimizer';
  if (solution.optimal) return `${solver}, proven optimal`;
  if (solution.gap !== undefined && solution.gap < 1) {
    return `${solver}, not proven optimal: cost within ${(solution.gap * 100).toFixed(2)}% of its bound`;
  }
  return `${solver}, not proven optimal`;
}
