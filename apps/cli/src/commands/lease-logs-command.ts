import { writeOutput } from '../write-output';
import { openMarket } from './open-market';

/** The flags of `icl lease logs`. */
export interface LeaseLogsCommandOptions {
  on?: string;
  follow?: boolean;
  service?: string;
  json?: boolean;
}

/** Exit code when Ctrl-C stops following, as shells use for SIGINT. */
const interruptedExitCode = 130;

/**
 * `icl lease logs <id> [--follow]`: the output of the lease's services, each line prefixed with
 * `service[replica]`, stdout to stdout and stderr to stderr. Ctrl-C stops reading; the services go on.
 */
export async function leaseLogsCommand(id: string, options: LeaseLogsCommandOptions): Promise<number> {
  const market = await openMarket(options.on);
  const stopReading = new AbortController();
  process.once('SIGINT', () => stopReading.abort());
  const pending = new Map<string, string>();
  try {
    for await (const record of market.leaseLogs(id, {
      follow: options.follow === true,
      signal: stopReading.signal,
      ...(options.service ? { service: options.service } : {}),
    })) {
      if (options.json) {
        await writeOutput(process.stdout, `${JSON.stringify(record)}\n`);
        continue;
      }
      const key = `${record.service}[${record.replica}] ${record.stream}`;
      const text = (pending.get(key) ?? '') + record.text;
      const lines = text.split('\n');
      pending.set(key, lines.pop() ?? '');
      const prefix = `${record.service}[${record.replica}] `;
      if (lines.length > 0) {
        await writeOutput(
          record.stream === 'stderr' ? process.stderr : process.stdout,
          lines.map((line) => `${prefix}${line}\n`).join(''),
        );
      }
    }
  } catch (error) {
    if (!stopReading.signal.aborted) throw error;
  }
  for (const [key, rest] of pending) {
    if (rest)
      await writeOutput(
        key.endsWith('stderr') ? process.stderr : process.stdout,
        `${key.split(' ')[0]} ${rest}\n`,
      );
  }
  return stopReading.signal.aborted ? interruptedExitCode : 0;
}
