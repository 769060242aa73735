import type { RunObservation } from '@icl/backend-kit';
import type { V1ContainerStatus, V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';
import type { KubernetesRunRecord } from './kubernetes-run-record';
import { programContainerName } from './pod-template';
import { explainSchedulingFailure } from './scheduling-failure';

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
  /** How long a pod may stay unschedulable; 0 waits forever. */
  schedulingTimeoutMilliseconds: number;
  /** The current time, in milliseconds since the epoch. */
  now: number;
}

/** How a run stands, and when to look again if nothing changes (a pod unschedulable for too long). */
export interface Outcome {
  observation: RunObservation;
  /** When the scheduling timeout of an unschedulable pod expires, in milliseconds since the epoch. */
  reconsiderAt?: number;
  /** The pod whose container runs (or ran) the program, for its output. */
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
 * How a run stands, from its Job (or Deployment) and pods: gone with its workload, then the Job's
 * deadline (the run's timeout), then the program container's exit, then what keeps it from starting
 * (an image that cannot be pulled, a pod the scheduler cannot place for longer than the scheduling
 * timeout, with the scheduler's reason), then running or pending.
 */
export function runOutcome(observed: ObservedRun, context: OutcomeContext): Outcome {
  const pod = newestPod(observed.pods);
  const container = pod?.status?.containerStatuses?.find((status) => status.name === programContainerName);
  const startedAt = timestamp(
    container?.state?.running?.startedAt ?? container?.state?.terminated?.startedAt,
  );
  const times = (endedAt?: string) => ({
    ...(startedAt ? { startedAt } : {}),
    endedAt: endedAt ?? new Date(context.now).toISOString(),
  });
  const withPod = (observation: RunObservation): Outcome => ({ observation, ...(pod ? { pod } : {}) });
  const failed = (reason: string): Outcome => withPod({ status: 'failed', reason, ...times() });

  const workload = observed.workload;
  if (!workload) return withPod({ status: 'gone' });
  if (context.record.workload === 'job') {
    const conditions = (workload as V1Job).status?.conditions ?? [];
    const holds = (type: string) =>
      conditions.find((condition) => condition.type === type && condition.status === 'True');
    // The Job controller marks the deadline (`FailureTarget`) before it stops the pod and `Failed` after.
    const jobFailed = holds('FailureTarget') ?? holds('Failed');
    if (jobFailed?.reason === 'DeadlineExceeded') return withPod({ status: 'timed-out', ...times() });
    const terminated = container?.state?.terminated;
    const stoppedByController =
      pod?.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
    if (
      terminated &&
      !(stoppedByController && context.record.timeoutMilliseconds !== undefined && !jobFailed)
    ) {
      return withPod(exitObservation(terminated, times(timestamp(terminated.finishedAt))));
    }
    if (holds('Complete') || holds('SuccessCriteriaMet'))
      return withPod({ status: 'exited', exitCode: 0, ...times() });
    if (jobFailed) return failed(`The Job failed (${jobFailed.reason}): ${jobFailed.message ?? ''}`.trim());
  }
  if (pod?.status?.phase === 'Failed' && !container?.state?.terminated) {
    return failed(
      `The pod ${pod.metadata?.name} failed${pod.status.reason ? ` (${pod.status.reason})` : ''}: ${pod.status.message ?? 'no reason given'}`,
    );
  }
  if (context.record.workload === 'service' && context.record.portForwardProcess !== undefined) {
    // Once ready, a service is running for as long as its Deployment exists: Kubernetes restarts it.
    return withPod({ status: 'running', ...(startedAt ? { startedAt } : {}) });
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason && hopelessWaitingReasons.has(waiting.reason)) {
    return failed(waitingReason(waiting.reason, waiting.message, context.record.image));
  }
  if (startedAt && (container?.state?.running || container?.state?.terminated)) {
    return withPod({ status: 'running', startedAt });
  }
  const scheduled = pod?.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (pod && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = Date.parse(
      String(scheduled.lastTransitionTime ?? pod.metadata?.creationTimestamp ?? context.now),
    );
    const deadline = since + context.schedulingTimeoutMilliseconds;
    const explanation = explainSchedulingFailure(scheduled.message ?? 'the scheduler gave no reason');
    if (context.schedulingTimeoutMilliseconds > 0 && context.now >= deadline) {
      return failed(
        `Not scheduled within ${Math.round(context.schedulingTimeoutMilliseconds / 1000)} s. ${explanation}`,
      );
    }
    return {
      observation: { status: 'pending', reason: explanation },
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

/** How a program's exit is observed: killed for memory or never started are the place's failures. */
function exitObservation(
  terminated: Terminated,
  times: { startedAt?: string; endedAt: string },
): RunObservation {
  const exitCode = terminated.exitCode;
  if (terminated.reason === 'OOMKilled') {
    return {
      status: 'failed',
      exitCode,
      reason: 'Killed for using more memory than its limit (out of memory).',
      ...times,
    };
  }
  if (terminated.reason === 'StartError' || terminated.reason === 'ContainerCannotRun') {
    return {
      status: 'failed',
      reason: `The container could not start: ${terminated.message ?? terminated.reason}`,
      ...times,
    };
  }
  return { status: 'exited', exitCode, ...times };
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
