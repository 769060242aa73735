import type { GpuRequest } from './gpu-request';
import type { Inventory, InventoryOptions } from './infrastructure';
import type { JsonObject } from './json-value';
import type { Program } from './program';
import type { ResourceProviderV1 } from './resource-provider-v1';
import type { LogChunk, RunState } from './run-state';
import type { Runtime } from './runtime';

/*
 * What a V1 backend receives and returns, named for this version of the contract. Today each has the
 * shape of the user-facing type of the same name; when a user-facing type changes, its V1 name keeps
 * the old shape (a copy replaces the alias here) and the core converts, so plugins written against V1
 * never see the change.
 */

/** A program as a V1 backend receives it (see `Program`). */
export type ProgramV1 = Program;
/** A runtime as a V1 backend receives it (see `Runtime`). */
export type RuntimeV1 = Runtime;
/** A run's state as a V1 backend reports it (see `RunState`). */
export type RunStateV1 = RunState;
/** A chunk of output as a V1 backend yields it (see `LogChunk`). */
export type LogChunkV1 = LogChunk;
/** The machines a V1 backend reports (see `Inventory`). */
export type InventoryV1 = Inventory;
/** How to read an inventory, in version 1 of the contract. */
export type InventoryOptionsV1 = InventoryOptions;

/**
 * Version 1 of the contract between ICL and a backend plugin (local processes, Docker, Kubernetes, SSH
 * hosts, VMs, clouds, marketplaces).
 *
 * The literal `specificationVersion` lets the core recognise which contract a plugin implements and
 * adapt or reject it (`UnsupportedSpecificationVersionError`) instead of failing later in obscure ways.
 * A backend declares what it can do in `capabilities`; the core refuses requests a backend cannot
 * honour before anything starts, so no field of a program is ever silently ignored.
 *
 * Every run operation takes the {@link RunHandleV1} returned by `startRun`. Handles are plain JSON and
 * are stored in the run store, so any later process (another shell, a CI step) can create the backend
 * again and follow, wait for or cancel the run.
 */
export interface BackendV1 {
  /** The contract version this backend implements. */
  readonly specificationVersion: 'v1';
  /** The backend's name (`local`, `docker`), as used in settings files and `--on`. */
  readonly name: string;
  /** What this backend can do. Requests needing anything else are refused up front. */
  readonly capabilities: BackendCapabilitiesV1;

  /**
   * The machines or nodes this backend can run on, with CPUs, memory and GPUs. A backend may answer
   * from what it read recently (saying when in `observedAt`); `refresh` makes it read again.
   */
  inventory(options?: InventoryOptionsV1): Promise<InventoryV1>;

  /**
   * Prepares the runtime (reusing a built one with the same hash), then starts the program. Resolves
   * once the program is started, or with a terminal state already reachable through the handle if it
   * could not be started; rejects only when nothing was started and nothing needs cleaning up.
   *
   * It must validate what it cannot honour (a GPU request on a machine without GPUs) and throw a typed
   * error (`unsupported-capability` for an undeclared capability) before starting anything.
   *
   * For a service (`program.service`), it resolves once the readiness check passes, with the
   * endpoints in the run's state; if the service exits or does not become ready in time, it is stopped
   * and the run ends `failed` with the reason.
   *
   * The timeout counts from the program's start, not from runtime preparation. Right after this
   * resolves, `getRunState` may still say `pending` on backends that schedule asynchronously.
   */
  startRun(request: RunRequestV1, options?: StartRunOptionsV1): Promise<RunHandleV1>;

  /**
   * The current state of a run. Cheap; safe to call often.
   *
   * @throws RunNotFoundError when the backend has no trace of the run (its files or objects are gone).
   */
  getRunState(handle: RunHandleV1): Promise<RunStateV1>;

  /**
   * The run's output, always from the beginning: every call replays it. Chunks of each stream arrive
   * complete and in order (the relative order of stdout and stderr is not guaranteed). With `follow`,
   * the iterator ends only once the run has ended and its output is drained; without it, at the output
   * so far.
   */
  readLogs(handle: RunHandleV1, options?: ReadLogsOptionsV1): AsyncIterable<LogChunkV1>;

  /** Resolves with the final state once the run has ended. Aborting the signal stops waiting, not the run. */
  waitForRun(handle: RunHandleV1, options?: { signal?: AbortSignal }): Promise<RunStateV1>;

  /**
   * Stops the run and everything it started (process tree, container, pod) and resolves with the final
   * state. Idempotent: cancelling an ended run returns its final state unchanged. When the program ends
   * by itself while being cancelled, whichever end is recorded first stands; the state never changes
   * after it is terminal. Processes that are dead but not yet reaped (zombies) count as stopped.
   */
  cancelRun(handle: RunHandleV1): Promise<RunStateV1>;

  /**
   * Resource types this backend can provision (a kind cluster, a node pool, a VM), keyed by type name,
   * for the plan/apply engine. Absent for backends that only run programs.
   */
  readonly resourceProviders?: Readonly<Record<string, ResourceProviderV1>>;

  /**
   * Releases connections and timers so the calling process can exit. Detached runs keep going; runs
   * supervised by the calling process are waited for.
   */
  close?(): Promise<void>;
}

/**
 * What a backend can do. The core checks these before it submits anything, and the conformance suite
 * runs the test groups that match. Every flag is optional and an absent one means "not supported", so a
 * capability added to a later version of this contract never breaks a plugin written before it.
 */
export interface BackendCapabilitiesV1 {
  /** Runs programs to completion (batch jobs). */
  jobs?: boolean;
  /** Runs long-lived services with ports. */
  services?: boolean;
  /** Assigns GPUs to programs. */
  gpus?: boolean;
  /** Provides resource types for plan/apply. */
  provisioning?: boolean;
  /** Streams output while the run is going, not only after it ended. */
  logFollow?: boolean;
  /** Can stop a run and everything it started. */
  cancel?: boolean;
  /** Ships files and folders with a run. */
  files?: boolean;
  /** Runs programs on a schedule. */
  schedules?: boolean;
  /** Calls a Python function with keyword arguments and returns its JSON result. */
  pythonFunctions?: boolean;
  /** Enforces a run timeout itself, even after the caller has gone. */
  timeout?: boolean;
  /** Runs outlive the process that started them and can be followed from another process. */
  detach?: boolean;
}

/**
 * Everything a backend needs to start one run, resolved by the core: paths absolute, quantities in base
 * units, environment merged. A backend reads only this; it never reads the caller's settings files.
 */
export interface RunRequestV1 {
  /** The id the run store gave this run; backends use it in names and labels. */
  runId: string;
  /** What to run. Paths are absolute on the caller's machine. */
  program: ProgramV1;
  /** What to run it with. File sources are absolute on the caller's machine. */
  runtime: RuntimeV1;
  /** The runtime's content hash (`runtimeHash(runtime)`), the cache key of built environments. */
  runtimeHash: string;
  /**
   * Environment variables for the program: the runtime's, then the run's own on top. Backends that run
   * on the caller's machine start from the caller's environment (so `PATH` and `HOME` work); remote
   * backends start from the target's.
   */
  environment: Record<string, string>;
  /** Resources, normalised. */
  resources: NormalizedResourceRequestV1;
  /** Stop the run after this many milliseconds and report `timed-out`. */
  timeoutMilliseconds?: number;
  /**
   * Whether the run must survive the calling process (`icl run --detach`). When false a backend may
   * supervise the run from the calling process, which is faster to start.
   */
  detach: boolean;
  /** Labels to attach to what the backend creates (container labels, pod labels), for ownership. */
  labels: Record<string, string>;
}

/** A resource request with quantities parsed: what backends compare against their inventory. */
export interface NormalizedResourceRequestV1 {
  /** CPU cores. */
  cpu?: number;
  /** Memory in bytes. */
  memoryBytes?: number;
  /** GPUs, with the count at least 1. */
  gpu?: GpuRequest;
}

/** Options of {@link BackendV1.startRun}. */
export interface StartRunOptionsV1 {
  /** Called with progress of slow steps (building a venv or an image, pulling, scheduling). */
  onProgress?: (event: ProgressEventV1) => void;
  /** Aborts preparation; a run that already started must be cancelled with `cancelRun`. */
  signal?: AbortSignal;
}

/** Progress of a slow step, for the CLI's progress display. */
export interface ProgressEventV1 {
  /** Which step: preparing the runtime, transferring files, scheduling, starting. */
  phase: 'runtime' | 'transfer' | 'schedule' | 'start';
  /** What is happening, one line (`Installing numpy==2.1.0`). */
  message: string;
  /** Whether this step has just finished. */
  done?: boolean;
  /** Whether the step was skipped because a cached result was reused. */
  reused?: boolean;
}

/** Options of {@link BackendV1.readLogs}. */
export interface ReadLogsOptionsV1 {
  /** Keep reading until the run has ended (default false). */
  follow?: boolean;
  /** Stops reading. */
  signal?: AbortSignal;
}

/**
 * A backend's reference to one run. `data` is whatever the backend needs to find the run again (a
 * process id, a container id, a namespace and Job name). It must be plain JSON and hold no secret,
 * since it is stored in the run store.
 */
export interface RunHandleV1 {
  /** The run's id. */
  runId: string;
  /** Backend-specific, JSON-serialisable locator. */
  data: JsonObject;
}

/**
 * Facts the host gives a backend when it creates it: where it may keep durable data and caches. A
 * backend must keep everything it writes under these directories so tests and users can isolate it.
 */
export interface BackendContextV1 {
  /** A directory for durable data (run files, records), created by the host. */
  stateDirectory: string;
  /** A directory for caches that may be deleted at any time (built environments, downloads). */
  cacheDirectory: string;
}

/**
 * Creates a backend from its settings. Plugins export one as `create<Name>Backend`, and name it in their
 * package.json marker so the CLI can find it.
 */
export type BackendFactoryV1<Settings extends JsonObject = JsonObject> = (
  settings: Settings,
  context: BackendContextV1,
) => BackendV1 | Promise<BackendV1>;
