import type {
  BackendCapabilitiesV1,
  InventoryOptionsV1,
  InventoryV1,
  JsonObject,
  ProgressEventV1,
  ResourceProviderV1,
  RunRequestV1,
  ServiceEndpoint,
  ServiceOptions,
} from '@icl/core';
import type { OutputBytes } from './run-directory';

/**
 * What a backend author writes: only what is specific to the place runs go (a shell on this machine, an
 * SSH host, a Docker daemon, a Kubernetes cluster). {@link createRunBackend} turns it into a whole
 * `BackendV1` and owns everything every backend shares: the run's directory on the caller's machine,
 * the end recorded once by whichever process sees it first, output kept after the place forgets the
 * run, following and replaying logs, waiting, idempotent cancel, readiness of services, and a timeout
 * for places that cannot enforce one.
 *
 * A driver never records a run's end and never decides its final status: it submits, observes, reads,
 * stops and removes. Every method may be called from any process that has the run's record, so nothing
 * a later call needs may live only in the memory of the process that submitted the run.
 *
 * @typeParam RunRecord - what the driver needs to find a run again (a process group, a container
 *   name, a namespace and Job name). Plain JSON with no secret: it is stored in the run's directory.
 */
export interface RunDriver<RunRecord = JsonObject> {
  /** The backend's name (`ssh`, `docker`), as used in settings files and `--on`. */
  readonly name: string;
  /**
   * What the backend can do beyond what the kit gives every driver (running jobs, following logs,
   * cancelling, and runs that outlive the process that started them: set `detach: false` where a run
   * cannot). Undeclared capabilities are refused before anything starts.
   */
  readonly capabilities: BackendCapabilitiesV1;
  /**
   * Whether the place stops a run at its timeout by itself, even when nobody watches (a Job's
   * `activeDeadlineSeconds`, `timeout` in the command). When false, the kit stops a run that has passed
   * its timeout whenever a process looks at it, and a declared `timeout` capability is the driver's
   * promise that someone always does.
   */
  readonly enforcesTimeouts: boolean;
  /**
   * Whether a service must publish at least one port (where it is reached only through its ports, as
   * a Kubernetes Service and its port-forward are); such services are refused before anything starts.
   */
  readonly servicesNeedPorts?: boolean;
  /**
   * Why a capability this driver lacks is missing here, said when a request needs it (`This machine has
   * no NVIDIA GPU.`); without one the kit says the backend cannot do it.
   */
  readonly unsupported?: Partial<Readonly<Record<keyof BackendCapabilitiesV1, string>>>;
  /**
   * Whether the program writes its output straight into the run directory's `stdout.log` and
   * `stderr.log` (a process on this machine): the kit then keeps those files as they are instead of
   * copying the output there when the run ends.
   */
  readonly outputInRunDirectory?: boolean;
  /** Resource types the backend provisions for plan/apply, if any. */
  readonly resourceProviders?: Readonly<Record<string, ResourceProviderV1>>;

  /**
   * The machines or nodes runs can go to, with CPUs, memory and GPUs; from what the driver kept, if it
   * keeps inventories, unless `options.refresh`.
   */
  inventory(options?: InventoryOptionsV1): Promise<InventoryV1>;

  /**
   * Starts one run: prepares its runtime (reusing a built one), ships its files, creates what runs it
   * and starts it. Resolves with the record once the program has been started (or handed to a
   * scheduler). Throws only when nothing keeps running and nothing is left behind: a driver that fails
   * half-way removes what it made before it throws.
   *
   * A driver refuses what it cannot honour before it starts anything (a GPU model the place lacks) with
   * a typed error from `@icl/core`.
   */
  submit(request: RunRequestV1, context: RunSubmitContext): Promise<RunRecord>;

  /**
   * One look at the run where it runs. Cheap; called often. `gone` when the place has no trace of it
   * any more (removed by someone else, a host that was reinstalled). Throws `BackendUnavailableError`
   * when the place cannot be reached right now (a host that dropped off the network): the kit then
   * reports the run `unreachable` with the error's message, and waiting goes on until the place answers.
   */
  observe(record: RunRecord): Promise<RunObservation>;

  /**
   * Resolves once the run may have changed (a watch fired, a process exited), or when `signal` aborts;
   * the kit then observes again. Without it the kit observes every 200 ms.
   */
  waitForChange?(record: RunRecord, signal: AbortSignal): Promise<void>;

  /**
   * The run's output where it runs, always from its beginning. With `follow`, the iterator ends once the
   * program has ended and its output is drained; without it, at the output so far. The kit keeps the
   * complete output in the run's directory when the run ends, so this is only read while the place
   * still has the run.
   */
  readOutput(
    record: RunRecord,
    options: { follow: boolean; signal: AbortSignal },
  ): AsyncIterable<OutputBytes>;

  /**
   * The JSON text a Python function program returned, read where it ran once it has exited with 0;
   * undefined when there is none. Needed when the driver declares `pythonFunctions`.
   */
  readResult?(record: RunRecord): Promise<string | undefined>;

  /**
   * Stops the program and everything it started: a polite signal, then a kill after a grace period.
   * Succeeds when the run has already stopped or is gone. The kit follows the run's output while it
   * stops and keeps it, so a place that removes a run to stop it (a Kubernetes Job deleted with its
   * pods) loses nothing.
   */
  stop(record: RunRecord): Promise<void>;

  /**
   * Removes what the run left where it ran (a container, a Job and its pods, a working directory), once
   * its end and output are recorded. Idempotent.
   */
  remove(record: RunRecord): Promise<void>;

  /**
   * Where each port of a started service is reached from this machine (publishing or forwarding ports
   * as needed), once it can be: a driver may wait here until the place says the service is up (a
   * pod's readiness probe). Resolves undefined when the service ended first. Needed when the driver
   * declares `services`; the kit then waits until the readiness port answers and records the endpoints
   * in the run's state. A driver may add to `record` here (the process that forwards the ports); the
   * kit stores it again afterwards.
   *
   * @param signal - aborts at the service's readiness timeout or when the caller gives up.
   */
  endpoints?(
    record: RunRecord,
    service: ServiceOptions,
    signal: AbortSignal,
  ): Promise<ServiceEndpoint[] | undefined>;

  /** Releases connections, so the process can exit. Runs keep going where they run. */
  close?(): Promise<void>;
}

/** What {@link RunDriver.submit} is given besides the request. */
export interface RunSubmitContext {
  /**
   * The run's directory on the caller's machine, already created: a driver may keep files there that it
   * needs while the run lives (staged files, a copy of a script), but not `run.json`, `final-state.json`,
   * `stop-request.json` or the `*.log` files, which are the kit's.
   */
  directory: string;
  /** Reports slow steps (building an image, installing packages) to the caller. */
  onProgress?: (event: ProgressEventV1) => void;
  /** Aborts preparation; a driver that has started the program by then returns its record. */
  signal?: AbortSignal;
}

/** One look at a run where it runs: see {@link RunDriver.observe}. */
export type RunObservation =
  | {
      /** Submitted, not started yet (scheduling, pulling an image). */
      status: 'pending';
      /** What it waits for, when the place says (no node has the memory asked for). */
      reason?: string;
    }
  | {
      /** The program runs. */
      status: 'running';
      /** When it started, ISO 8601, if the place knows. */
      startedAt?: string;
    }
  | {
      /** The program has exited by itself, or was stopped. */
      status: 'exited';
      /** Its exit code; for a program killed by a signal, 128 + the signal's number. */
      exitCode: number;
      startedAt?: string;
      endedAt?: string;
    }
  | {
      /** The place stopped the program at the run's timeout (when it `enforcesTimeouts`). */
      status: 'timed-out';
      startedAt?: string;
      endedAt?: string;
    }
  | {
      /** The place ended the run without the program exiting (never scheduled, killed for memory). */
      status: 'failed';
      /** Why, for the user, in one sentence. */
      reason: string;
      /** The program's exit code, when it exited on the way (killed for memory). */
      exitCode?: number;
      startedAt?: string;
      endedAt?: string;
    }
  | {
      /** The place has no trace of the run. */
      status: 'gone';
    };
