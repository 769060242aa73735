import { createCliClient } from '../create-cli-client';
import { runExitCode } from '../run-exit-code';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl logs`. */
export interface LogsCommandOptions {
  /** `--follow`: keep streaming until the run has ended. */
  follow?: boolean;
  /** `--json`: print machine-readable JSON instead of text. */
  json?: boolean;
}

/** Exit code when Ctrl-C stops following, as shells use for SIGINT. */
const interruptedExitCode = 130;

/**
 * `icl logs <id> [--follow]`: a run's output, its stdout on stdout and its stderr on stderr, exactly
 * as written. With `--follow` it keeps streaming until the run has ended, from any shell, and exits with
 * the run's exit code as `icl run` does. Ctrl-C stops reading (exit 130); the run goes on.
 */
export async function logsCommand(id: string, options: LogsCommandOptions): Promise<number> {
  const icl = await createCliClient();
  const run = await icl.getRun(id);
  const stopReading = new AbortController();
  // Ctrl-C or a closed terminal stops reading; the run goes on.
  for (const signal of ['SIGINT', 'SIGHUP'] as const) process.once(signal, () => stopReading.abort());
  const collected = { id: run.id, stdout: '', stderr: '' };
  try {
    for await (const chunk of run.streamLogs({
      follow: options.follow === true,
      signal: stopReading.signal,
    })) {
      if (options.json && options.follow) await writeOutput(process.stdout, `${JSON.stringify(chunk)}\n`);
      else if (options.json) collected[chunk.stream] += chunk.text;
      else await writeOutput(chunk.stream === 'stderr' ? process.stderr : process.stdout, chunk.text);
    }
  } catch (error) {
    if (!stopReading.signal.aborted) throw error;
  }
  if (stopReading.signal.aborted) {
    await icl.close();
    return interruptedExitCode;
  }
  // Following ends with the run: exit as `icl run` would have, so a script can wait on either.
  const code = options.follow ? runExitCode(await run.state()) : 0;
  await icl.close();
  if (options.json && !options.follow) await printJson(collected);
  return code;
}
