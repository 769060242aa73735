import { formatDuration, InvalidArgumentError, isTerminalRunStatus, type RunRecord } from '@icl/core';
import { createCliClient } from '../create-cli-client';
import { formatRelativeTime } from '../format-relative-time';
import { formatTable } from '../format-table';
import { runDuration, summarizeRun } from '../run-summary';
import { isStyledStream, paint, type TextStyle } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl runs`. */
export interface RunsCommandOptions {
  /** `--json`: print machine-readable JSON instead of text. */
  json?: boolean;
  /** `--limit`: at most this many runs (as typed; checked here). */
  limit?: string;
}

/** `icl runs`: the recorded runs, newest first, with their current status. */
export async function runsCommand(options: RunsCommandOptions): Promise<number> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError({
      argument: '--limit',
      message: `Invalid --limit "${options.limit}".`,
      hint: 'Give a whole number of runs, at least 1.',
    });
  }
  const icl = await createCliClient();
  const damaged: string[] = [];
  const records = await icl.listRuns({
    limit,
    refresh: true,
    onDamagedRecord: ({ problem }) => damaged.push(problem),
  });
  await icl.close();
  // Named on stderr, so the listing (and --json) stays what it is for the runs that are readable.
  for (const problem of damaged.sort())
    await writeOutput(process.stderr, `icl: warning: left out of the list: ${problem}\n`);
  if (options.json) {
    await printJson(records.map(summarizeRun));
    return 0;
  }
  if (records.length === 0) {
    await writeOutput(process.stdout, 'No runs yet. Start one with `icl run <file>`.\n');
    return 0;
  }
  const styled = isStyledStream(process.stdout);
  const now = Date.now();
  const rows = records.map((record) => [
    record.id,
    { text: record.state.status, styled: paint(record.state.status, statusStyle(record), styled) },
    record.infrastructure,
    truncate(record.description, 40),
    formatRelativeTime(record.createdAt, now),
    formatRunDuration(record, now),
  ]);
  await writeOutput(
    process.stdout,
    formatTable(['ID', 'STATUS', 'INFRA', 'PROGRAM', 'STARTED', 'DURATION'], rows),
  );
  return 0;
}

/** The colour of a status: green for success, red for failures, yellow for runs still going. */
export function statusStyle(record: RunRecord): TextStyle {
  switch (record.state.status) {
    case 'succeeded':
      return 'green';
    case 'failed':
    case 'timed-out':
      return 'red';
    case 'cancelled':
      return 'dim';
    default:
      return 'yellow';
  }
}

/** The run's duration for tables: final once ended, so far while running. */
export function formatRunDuration(record: RunRecord, now: number): string {
  const ended = isTerminalRunStatus(record.state.status);
  const duration = runDuration(record, ended ? undefined : now);
  if (duration === undefined) return '-';
  return ended ? formatDuration(duration) : `${formatDuration(duration)}…`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
