import { isTerminalRunStatus } from '@icl/core';
import { createCliClient } from '../create-cli-client';
import { summarizeRun } from '../run-summary';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl cancel`. */
export interface CancelCommandOptions {
  /** `--json`: print machine-readable JSON instead of text. */
  json?: boolean;
}

/**
 * `icl cancel <id>`: stops a run and everything it started, then prints its final status. Cancelling a
 * run that has already ended changes nothing and says so.
 */
export async function cancelCommand(id: string, options: CancelCommandOptions): Promise<number> {
  const icl = await createCliClient();
  const run = await icl.getRun(id);
  const before = await run.state();
  const after = await run.cancel();
  const record = await run.record();
  await icl.close();
  if (options.json) {
    await printJson(summarizeRun(record));
    return 0;
  }
  const message = isTerminalRunStatus(before.status)
    ? `Run ${run.id} had already ended: ${after.status}.`
    : `Run ${run.id} ${after.status}.`;
  await writeOutput(process.stdout, `${message}\n`);
  return 0;
}
