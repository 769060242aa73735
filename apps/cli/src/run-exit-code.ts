import type { RunState } from '@icl/core';

/** Exit code of a run that exceeded its timeout, as `timeout(1)` uses. */
export const timedOutExitCode = 124;
/** Exit code of a run stopped by Ctrl-C or `icl cancel`, as shells use for SIGINT. */
export const cancelledExitCode = 130;

/**
 * The exit code a finished run maps to, the same for `icl run` and `icl logs --follow`, so scripts can
 * use either: 0 when it succeeded, the program's own code when it exited with one (128 + the signal when
 * one killed it, as shells report), 124 when it timed out, 130 when it was cancelled, 1 otherwise.
 */
export function runExitCode(state: RunState): number {
  switch (state.status) {
    case 'succeeded':
      return 0;
    case 'timed-out':
      return timedOutExitCode;
    case 'cancelled':
      return cancelledExitCode;
    default:
      return state.exitCode !== undefined && state.exitCode !== 0 ? state.exitCode : 1;
  }
}
