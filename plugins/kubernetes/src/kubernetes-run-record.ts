/**
 * What the Kubernetes driver records about a run when it submits it, to find the run again from any
 * process: plain JSON with no secret (the environment lives in the run's Secret in the cluster).
 */
export interface KubernetesRunRecord {
  /** The run's id, which labels its pods. */
  runId: string;
  /** The namespace of the run's objects. */
  namespace: string;
  /** The name of its Job or Deployment (and of its ConfigMap, Secret and Service). */
  name: string;
  /** Whether it is a Job (a program) or a Deployment with a Service (a service). */
  workload: 'job' | 'service';
  /** The marker that frames stderr and results in the container's output. */
  outputMarker: string;
  /** The image it runs, named in the reason when the cluster cannot get it. */
  image: string;
  /**
   * The run's directory on the caller's machine, where a service's port-forwarding process writes the
   * ports it listens on and what went wrong.
   */
  directory: string;
  /** The timeout, which the Job's `activeDeadlineSeconds` enforces. */
  timeoutMilliseconds?: number;
  /** The process that forwards a service's ports to this machine, once the service was ready. */
  portForwardProcess?: number;
}
