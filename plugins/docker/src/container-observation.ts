import type { RunObservation } from '@icl/backend-kit';

/** What the daemon says about a container (`docker inspect` `.State`). */
export interface ContainerState {
  Status?: string;
  ExitCode?: number;
  StartedAt?: string;
  FinishedAt?: string;
  OOMKilled?: boolean;
  Error?: string;
}

/** Exit codes of GNU `timeout` when it stopped the program: by SIGTERM (124) or, after the grace, by SIGKILL (137). */
const timeoutExitCodes = new Set([124, 137]);

/**
 * A run as its container shows it: created and not started is pending; running (or paused, or
 * restarting) is running; a stopped container is a program that exited, unless Docker never started
 * it or killed it for memory. A timeout is told from a program that exits with 124 itself by how
 * long it ran.
 */
export function containerObservation(
  container: ContainerState,
  record: { timeoutMilliseconds?: number },
): RunObservation {
  const status = container.Status;
  const startedAt = dockerTimestamp(container.StartedAt);
  if (status === 'created') return { status: 'pending' };
  if (status === 'running' || status === 'paused' || status === 'restarting')
    return { status: 'running', ...(startedAt ? { startedAt } : {}) };
  const endedAt = dockerTimestamp(container.FinishedAt) ?? new Date().toISOString();
  const times = { ...(startedAt ? { startedAt } : {}), endedAt };
  if (!startedAt)
    return {
      status: 'failed',
      reason: `Docker could not start the program${container.Error ? `: ${container.Error}` : '.'}`,
      endedAt,
    };
  if (container.OOMKilled)
    return {
      status: 'failed',
      reason: 'Killed for using more memory than its limit (out of memory).',
      ...times,
    };
  const exitCode = container.ExitCode ?? 1;
  const timeout = record.timeoutMilliseconds;
  const timedOut =
    timeout !== undefined &&
    timeoutExitCodes.has(exitCode) &&
    Date.parse(endedAt) - Date.parse(startedAt) >= timeout - 50;
  return timedOut ? { status: 'timed-out', ...times } : { status: 'exited', exitCode, ...times };
}

/**
 * A Docker timestamp as ISO 8601 with milliseconds, or undefined for Docker's "never" (year 1).
 * Docker writes nanoseconds, which not every parser accepts.
 */
export function dockerTimestamp(value: string | undefined): string | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const milliseconds = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(milliseconds) ? undefined : new Date(milliseconds).toISOString();
}
