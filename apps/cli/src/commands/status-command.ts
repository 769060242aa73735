import { formatDuration } from '@icl/core';
import { createCliClient } from '../create-cli-client';
import { formatRelativeTime } from '../format-relative-time';
import { summarizeRun } from '../run-summary';
import { isStyledStream, paint } from '../terminal-style';
import { printJson, writeOutput } from '../write-output';
import { statusStyle } from './runs-command';

/** The flags of `icl status`. */
export interface StatusCommandOptions {
  /** `--json`: print machine-readable JSON instead of text. */
  json?: boolean;
}

/** `icl status <id>`: everything known about one run, asking its backend when it has not ended. */
export async function statusCommand(id: string, options: StatusCommandOptions): Promise<number> {
  const icl = await createCliClient();
  const run = await icl.getRun(id);
  await run.state();
  const record = await run.record();
  await icl.close();
  const summary = summarizeRun(record);
  if (options.json) {
    await printJson({ ...summary, definition: record.program });
    return 0;
  }
  const styled = isStyledStream(process.stdout);
  const lines: Array<[string, string | undefined]> = [
    ['ID', record.id],
    ['Status', paint(record.state.status, statusStyle(record), styled)],
    ['Exit code', record.state.exitCode === undefined ? undefined : String(record.state.exitCode)],
    ['Infrastructure', `${record.infrastructure} (backend ${record.backend})`],
    ['Program', record.description],
    ['Created', `${record.createdAt} (${formatRelativeTime(record.createdAt)})`],
    ['Started', record.state.startedAt],
    ['Ended', record.state.endedAt],
    [
      'Duration',
      summary.durationMilliseconds === null ? undefined : formatDuration(summary.durationMilliseconds),
    ],
    [
      'Timeout',
      record.timeoutMilliseconds === undefined ? undefined : formatDuration(record.timeoutMilliseconds),
    ],
    ['Result', record.state.result === undefined ? undefined : JSON.stringify(record.state.result)],
    ['Reason', record.state.reason],
    [
      'Endpoints',
      record.state.endpoints?.length
        ? record.state.endpoints.map((endpoint) => endpoint.url).join(', ')
        : undefined,
    ],
  ];
  const shown = lines.filter((line): line is [string, string] => line[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length)) + 2;
  await writeOutput(
    process.stdout,
    shown.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}\n`).join(''),
  );
  return 0;
}
