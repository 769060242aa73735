/**
 * Where a run is in its life. Runs start `pending` (runtime being prepared, pod being scheduled), go
 * `running`, and end in exactly one terminal status that never changes afterwards. While a run has not
 * ended, the place it runs may be out of reach (`unreachable`: an SSH host that dropped off, with the
 * reason); the run may well go on there, and it is `running` again, or ended, once the place answers.
 *
 * - `succeeded`: the program exited with code 0.
 * - `failed`: it exited non-zero, crashed, or could not be started.
 * - `cancelled`: a user or program asked to stop it.
 * - `timed-out`: it exceeded its timeout and was stopped.
 */
export type RunStatus =
  | 'pending'
  | 'running'
  | 'unreachable'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timed-out';

/** The statuses a run never leaves. */
export const terminalRunStatuses: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled', 'timed-out'];

/** Whether a run in this status has ended for good. */
export function isTerminalRunStatus(status: RunStatus): boolean {
  return terminalRunStatuses.includes(status);
}
