import type { RunStatus } from '@icl/core';

/**
 * Why a run was stopped by ICL rather than ending by itself (a cancel, a service that never became
 * ready). It is recorded before the remote system is told to stop the run, so whichever process later
 * sees the run end reports it as stopped, with this reason, instead of as a program that failed.
 */
export interface StopRequest {
  /** The status the run ends with. */
  status: Extract<RunStatus, 'cancelled' | 'failed' | 'timed-out'>;
  /** Why, for `state.reason`. */
  reason: string;
}
