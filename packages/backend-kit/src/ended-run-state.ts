import type { JsonValue, RunStateV1 } from '@icl/core';
import type { RunObservation } from './run-driver';
import type { StopRequest } from './stop-request';

/** A Python function's result as read back after the run: its value, or why it could not be had. */
export type FunctionResult = { ok: true; value: JsonValue } | { ok: false; reason: string };

/** An observation of a run that has ended, one way or another. */
export type EndedObservation = Extract<
  RunObservation,
  { status: 'exited' | 'timed-out' | 'failed' | 'gone' }
>;

/** Whether an observation says the run has ended. */
export function hasEnded(observation: RunObservation): observation is EndedObservation {
  return observation.status !== 'pending' && observation.status !== 'running';
}

/**
 * How a run ended, in the user's terms, from the last look at it: a stop ICL asked for (cancel, timeout,
 * a service that never became ready) comes first, then the place's own failure or loss of the run, then
 * its timeout, then the program's exit: 0 succeeded (a function only with its result), 126 and 127 said
 * plainly, above 128 the signal that killed it.
 *
 * @param backendName - how a lost run is explained (`the ssh backend`).
 * @param timeoutMilliseconds - the run's timeout, for the message of a run the place timed out.
 */
export function endedRunState(
  observation: EndedObservation,
  stop: StopRequest | undefined,
  result: FunctionResult | undefined,
  context: { backendName: string; timeoutMilliseconds?: number },
): RunStateV1 {
  const startedAt = observation.status === 'gone' ? undefined : observation.startedAt;
  const reportedEnd =
    (observation.status === 'gone' ? undefined : observation.endedAt) ?? new Date().toISOString();
  // A place may stamp a program that ends at once as ending a moment before it started (Docker takes
  // the end from the exit event and the start from when it finished starting it): never before.
  const endedAt =
    startedAt !== undefined && Date.parse(reportedEnd) < Date.parse(startedAt) ? startedAt : reportedEnd;
  const state: RunStateV1 = { status: 'failed', endedAt, ...(startedAt ? { startedAt } : {}) };
  if (stop) {
    // A run ICL failed (a service that exited before it answered) keeps the code it exited with.
    const exitCode =
      stop.status === 'failed' && observation.status === 'exited' ? observation.exitCode : undefined;
    return {
      ...state,
      status: stop.status,
      reason: stop.reason,
      ...(exitCode === undefined ? {} : { exitCode }),
    };
  }
  if (observation.status === 'gone')
    return {
      ...state,
      reason: `The ${context.backendName} backend lost the run: it was removed before ICL recorded how it ended.`,
    };
  if (observation.status === 'failed')
    return {
      ...state,
      reason: observation.reason,
      ...(observation.exitCode === undefined ? {} : { exitCode: observation.exitCode }),
    };
  if (observation.status === 'timed-out')
    return {
      ...state,
      status: 'timed-out',
      reason: `Stopped after the timeout of ${context.timeoutMilliseconds ?? '?'} ms.`,
    };
  const { exitCode } = observation;
  state.exitCode = exitCode;
  if (exitCode === 0) {
    if (result === undefined) return { ...state, status: 'succeeded' };
    return result.ok
      ? { ...state, status: 'succeeded', result: result.value }
      : { ...state, reason: result.reason };
  }
  if (exitCode === 127) state.reason = 'Exited with code 127: the command was not found (see stderr).';
  else if (exitCode === 126)
    state.reason = 'Exited with code 126: the command is not executable (see stderr).';
  else if (exitCode > 128 && exitCode < 160)
    state.reason = `Killed by signal ${exitCode - 128} (exit code ${exitCode}).`;
  else state.reason = `Exited with code ${exitCode}.`;
  return state;
}
