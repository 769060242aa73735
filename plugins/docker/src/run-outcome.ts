import type { StopRequest } from '@icl/backend-kit';
import type { JsonValue, RunState } from '@icl/core';
import type { DockerRunRecord } from './docker-run-directory';

/** What the daemon says about a container that has stopped (`docker inspect` `.State`). */
export interface StoppedContainerState {
  ExitCode?: number;
  StartedAt?: string;
  FinishedAt?: string;
  OOMKilled?: boolean;
  Error?: string;
}

/** A function program's result, read back from the container. */
export type FunctionResult = { ok: true; value: JsonValue } | { ok: false; reason: string };

/** Exit codes of GNU `timeout` when it stopped the program: by SIGTERM (124) or, after the grace, by SIGKILL (137). */
const timeoutExitCodes = new Set([124, 137]);

/**
 * How a run ended, from its stopped container: a stop ICL requested (cancel, a service that never
 * became ready) comes first, then the memory limit, then the timeout, then the program's own exit. A timed-out run is told
 * from a program that exits with 124 itself by how long it ran.
 */
export function runOutcome(
  container: StoppedContainerState,
  record: DockerRunRecord,
  stopRequest: StopRequest | undefined,
  result: FunctionResult | undefined,
): RunState {
  const startedAt = dockerTimestamp(container.StartedAt);
  const endedAt = dockerTimestamp(container.FinishedAt) ?? new Date().toISOString();
  const state: RunState = { status: 'failed', endedAt };
  if (startedAt) state.startedAt = startedAt;
  const exitCode = container.ExitCode;
  if (stopRequest) {
    state.status = stopRequest.status;
    state.reason = stopRequest.reason;
    return state;
  }
  if (!startedAt) {
    state.reason = `Docker could not start the program${container.Error ? `: ${container.Error}` : '.'}`;
    return state;
  }
  if (container.OOMKilled) {
    if (exitCode !== undefined) state.exitCode = exitCode;
    state.reason = 'Killed for using more memory than its limit (out of memory).';
    return state;
  }
  const timeout = record.timeoutMilliseconds;
  if (timeout !== undefined && exitCode !== undefined && timeoutExitCodes.has(exitCode)) {
    const ranFor = Date.parse(endedAt) - Date.parse(startedAt);
    if (ranFor >= timeout - 50) {
      state.status = 'timed-out';
      state.reason = `Stopped after the timeout of ${timeout} ms.`;
      return state;
    }
  }
  if (exitCode !== undefined) state.exitCode = exitCode;
  if (exitCode === 0) {
    if (result === undefined) state.status = 'succeeded';
    else if (result.ok) {
      state.status = 'succeeded';
      state.result = result.value;
    } else {
      state.reason = result.reason;
    }
  } else if (exitCode === 127) {
    state.reason = 'Exited with code 127: the command was not found in the image (see stderr).';
  } else if (exitCode === 126) {
    state.reason = 'Exited with code 126: the command is not executable (see stderr).';
  } else if (exitCode !== undefined && exitCode > 128 && exitCode < 160) {
    state.reason = `Killed by signal ${exitCode - 128} (exit code ${exitCode}).`;
  } else {
    state.reason = `Exited with code ${exitCode}.`;
  }
  return state;
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
