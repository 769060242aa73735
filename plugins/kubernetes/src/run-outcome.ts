import type { StopRequest } from '@icl/backend-kit';
import type { JsonValue, RunState } from '@icl/core';
import type { V1ContainerStatus, V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';
import type { KubernetesRunRecord } from './kubernetes-run-directory';
import { programContainerName } from './pod-template';
import { explainSchedulingFailure } from './scheduling-failure';

/** A function's result as it came back in the output: its JSON, or why it could not be read. */
export type FunctionResult = { ok: true; value: JsonValue } | { ok: false; reason: string };

/** What the cluster shows of a run at one moment. */
export interface ObservedRun {
  /** The run's Job or Deployment; undefined once it is gone. */
  workload?: V1Job | V1Deployment;
  /** Its pods. */
  pods: readonly V1Pod[];
}

/** What {@link runOutcome} weighs besides the cluster's objects. */
export interface OutcomeContext {
  record: KubernetesRunRecord;
  /** Why ICL stopped the run, if it did. */
  stopRequest?: StopRequest;
  /** How long a pod may stay unschedulable; 0 waits forever. */
  schedulingTimeoutMilliseconds: number;
  /** The current time, in milliseconds since the epoch. */
  now: number;
}

/** A run's state, and when it must be looked at again if nothing changes (a pod unschedulable for too long). */
export interface Outcome {
  state: RunState;
  /** When the scheduling timeout of an unschedulable pod expires, in milliseconds since the epoch. */
  reconsiderAt?: number;
  /** The pod whose container runs (or ran) the program, for logs. */
  pod?: V1Pod;
}

/** Pod waiting reasons that do not resolve by waiting: the image or the container cannot be made. */
const hopelessWaitingReasons = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/**
 * How a run stands, from its Job (or Deployment) and pods: a stop ICL requested comes first, then the
 * Job's deadline (the run's timeout), then the program container's exit, then what keeps it from
 * starting (an image that cannot be pulled, a pod the scheduler cannot place for longer than the
 * scheduling timeout, with the scheduler's reason), then running or pending.
 */
export function runOutcome(observed: ObservedRun, context: OutcomeContext): Outcome {
  const pod = newestPod(observed.pods);
  const container = pod?.status?.containerStatuses?.find((status) => status.name === programContainerName);
  const startedAt = timestamp(
    container?.state?.running?.startedAt ?? container?.state?.terminated?.startedAt,
  );
  const withPod = (state: RunState): Outcome => ({ state, ...(pod ? { pod } : {}) });
  const ended = (state: Omit<RunState, 'endedAt'>, endedAt?: string): Outcome =>
    withPod({
      ...(startedAt ? { startedAt } : {}),
      ...state,
      endedAt: endedAt ?? new Date(context.now).toISOString(),
    });

  if (context.stopRequest) {
    return ended({ status: context.stopRequest.status, reason: context.stopRequest.reason });
  }
  const workload = observed.workload;
  if (!workload) {
    return ended({
      status: 'failed',
      reason: `The ${context.record.workload === 'job' ? 'Job' : 'Deployment'} ${context.record.namespace}/${context.record.name} was deleted before ICL recorded how the run ended.`,
    });
  }
  if (context.record.workload === 'job') {
    const conditions = (workload as V1Job).status?.conditions ?? [];
    const holds = (type: string) =>
      conditions.find((condition) => condition.type === type && condition.status === 'True');
    // The Job controller marks the deadline (`FailureTarget`) before it stops the pod and `Failed` after.
    const failed = holds('FailureTarget') ?? holds('Failed');
    if (failed?.reason === 'DeadlineExceeded') {
      return ended({
        status: 'timed-out',
        reason: `Stopped after the timeout of ${context.record.timeoutMilliseconds ?? 0} ms.`,
      });
    }
    const terminated = container?.state?.terminated;
    const stoppedByController =
      pod?.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
    if (terminated && !(stoppedByController && context.record.timeoutMilliseconds !== undefined && !failed)) {
      return ended(exitOutcome(terminated), timestamp(terminated.finishedAt));
    }
    if (holds('Complete') || holds('SuccessCriteriaMet')) return ended(exitOutcome({ exitCode: 0 }));
    if (failed) {
      return ended({
        status: 'failed',
        reason: `The Job failed (${failed.reason}): ${failed.message ?? ''}`.trim(),
      });
    }
  }
  if (pod?.status?.phase === 'Failed' && !container?.state?.terminated) {
    return ended({
      status: 'failed',
      reason: `The pod ${pod.metadata?.name} failed${pod.status.reason ? ` (${pod.status.reason})` : ''}: ${pod.status.message ?? 'no reason given'}`,
    });
  }
  if (context.record.workload === 'service' && context.record.endpoints) {
    // Once ready, a service is running for as long as its Deployment exists: Kubernetes restarts it.
    return withPod({
      status: 'running',
      ...(startedAt ? { startedAt } : {}),
      endpoints: context.record.endpoints,
    });
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason && hopelessWaitingReasons.has(waiting.reason)) {
    return ended({
      status: 'failed',
      reason: waitingReason(waiting.reason, waiting.message, context.record.image),
    });
  }
  if (startedAt && (container?.state?.running || container?.state?.terminated)) {
    const state: RunState = { status: 'running', startedAt };
    if (context.record.endpoints) state.endpoints = context.record.endpoints;
    return withPod(state);
  }
  const scheduled = pod?.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (pod && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = Date.parse(
      String(scheduled.lastTransitionTime ?? pod.metadata?.creationTimestamp ?? context.now),
    );
    const deadline = since + context.schedulingTimeoutMilliseconds;
    const explanation = explainSchedulingFailure(scheduled.message ?? 'the scheduler gave no reason');
    if (context.schedulingTimeoutMilliseconds > 0 && context.now >= deadline) {
      return ended({
        status: 'failed',
        reason: `Not scheduled within ${Math.round(context.schedulingTimeoutMilliseconds / 1000)} s. ${explanation}`,
      });
    }
    return {
      state: { status: 'pending', reason: explanation },
      pod,
      ...(context.schedulingTimeoutMilliseconds > 0 ? { reconsiderAt: deadline } : {}),
    };
  }
  return withPod({ status: 'pending' });
}

/** The newest pod of a run: with no retries there is one, but a replaced service pod leaves an older one terminating. */
export function newestPod(pods: readonly V1Pod[]): V1Pod | undefined {
  let newest: V1Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp && pods.length > 1) continue;
    if (!newest || creation(pod) >= creation(newest)) newest = pod;
  }
  return newest;
}

type Terminated = Pick<NonNullable<NonNullable<V1ContainerStatus['state']>['terminated']>, 'exitCode'> &
  Partial<Pick<NonNullable<NonNullable<V1ContainerStatus['state']>['terminated']>, 'reason' | 'message'>>;

function exitOutcome(terminated: Terminated): Omit<RunState, 'endedAt'> {
  const exitCode = terminated.exitCode;
  if (terminated.reason === 'OOMKilled') {
    return {
      status: 'failed',
      exitCode,
      reason: 'Killed for using more memory than its limit (out of memory).',
    };
  }
  if (terminated.reason === 'StartError' || terminated.reason === 'ContainerCannotRun') {
    return {
      status: 'failed',
      reason: `The container could not start: ${terminated.message ?? terminated.reason}`,
    };
  }
  // A function's result arrives with the output, which is read when the end is recorded.
  if (exitCode === 0) return { status: 'succeeded', exitCode };
  const state = { status: 'failed' as const, exitCode };
  if (exitCode === 127)
    return { ...state, reason: 'Exited with code 127: the command was not found in the image (see stderr).' };
  if (exitCode === 126)
    return { ...state, reason: 'Exited with code 126: the command is not executable (see stderr).' };
  if (exitCode > 128 && exitCode < 160)
    return { ...state, reason: `Killed by signal ${exitCode - 128} (exit code ${exitCode}).` };
  return { ...state, reason: `Exited with code ${exitCode}.` };
}

function waitingReason(reason: string, message: string | undefined, image: string): string {
  if (/Image|ImagePull/.test(reason)) {
    return `The cluster cannot get the image ${image} (${reason})${message ? `: ${message}` : '.'} Load it into the nodes (the "imageLoad" setting) or push it to a registry they reach.`;
  }
  return `The container could not be created (${reason})${message ? `: ${message}` : '.'}`;
}

function creation(pod: V1Pod): number {
  return Date.parse(String(pod.metadata?.creationTimestamp ?? 0)) || 0;
}

/** A Kubernetes time (a Date from the client, or text) as ISO 8601. */
function timestamp(value: Date | string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const milliseconds = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(milliseconds) ? undefined : new Date(milliseconds).toISOString();
}
