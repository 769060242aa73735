import path from 'node:path';
import { RunDirectory, readJsonFile } from '@icl/backend-kit';
import type { ServiceEndpoint } from '@icl/core';

/** What the backend records about a run when it submits it. */
export interface KubernetesRunRecord {
  /** The run's id. */
  runId: string;
  /** The namespace of the run's objects. */
  namespace: string;
  /** The name of its Job or Deployment (and of its ConfigMap, Secret and Service). */
  name: string;
  /** Whether it is a Job (a program) or a Deployment with a Service (a service). */
  workload: 'job' | 'service';
  /** The marker that frames stderr and results in the container's output. */
  outputMarker: string;
  /** The image it runs. */
  image: string;
  /** Whether a function's JSON result comes back in the output. */
  returnsResult: boolean;
  /** The timeout, for the reason of a timed-out run. */
  timeoutMilliseconds?: number;
  /** Where a service answers on this machine, once it is ready. */
  endpoints?: ServiceEndpoint[];
  /** The process that forwards a service's ports to this machine. */
  portForwardProcess?: number;
}

/**
 * The files a run keeps on the caller's machine, under `<stateDirectory>/runs/<runId>/`: those of every
 * {@link RunDirectory} (record, final state, stop request, complete output) and, for a service, what
 * its port-forwarding process reports. The cluster's Job and pods are deleted when the end is recorded,
 * so these are what `icl logs` and `icl status` read later. The environment is never written here (it
 * lives in the run's Secret in the cluster).
 */
export class KubernetesRunDirectory extends RunDirectory<KubernetesRunRecord> {
  /** Where a service's port-forwarding process writes the ports it listens on. */
  get forwardedPorts(): string {
    return path.join(this.root, 'forwarded-ports.json');
  }

  /** Where a service's port-forwarding process writes what went wrong. */
  get portForwardLog(): string {
    return path.join(this.root, 'port-forward.log');
  }

  /** The ports a service's forwarding process listens on, once it does. */
  async readForwardedPorts(): Promise<{ process: number; ports: Record<string, number> } | undefined> {
    return readJsonFile(this.forwardedPorts);
  }
}
