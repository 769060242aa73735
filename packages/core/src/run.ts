import type { RunHandleV1 } from './backend-v1';
import type { JsonValue } from './json-value';
import type { Program } from './program';
import type { LogChunk, RunLogs, RunState } from './run-state';
import type { RunStatus } from './run-status';

/**
 * A handle on one run, the same whichever backend runs it. Returned by the SDK's `run()`, and
 * recreated from the run store by id, so a run started by one process can be followed, waited on and
 * cancelled by another.
 */
export interface Run {
  /** The run's id, unique in the local run store (`icl logs <id>`). */
  readonly id: string;
  /** The infrastructure it runs on. */
  readonly infrastructure: string;
  /** The current status, asked of the backend (a cheap read for terminal runs). */
  status(): Promise<RunStatus>;
  /** The full current state: status, exit code, timestamps, result. */
  state(): Promise<RunState>;
  /**
   * Waits until the run ends and returns its final state. Does not throw for failures: look at
   * `status` and `exitCode`, or use `result()` to get an exception instead.
   */
  wait(options?: { signal?: AbortSignal }): Promise<RunState>;
  /**
   * Waits until the run ends and returns the function's return value (or `null` for scripts).
   * @throws RunTimeoutError when the run timed out.
   * @throws RunFailedError when it failed or was cancelled.
   */
  result(): Promise<JsonValue>;
  /** The output so far (all of it, once the run has ended). */
  logs(): Promise<RunLogs>;
  /**
   * The output as it is written. With `follow` (the default) the iterator ends when the run has ended
   * and all output is delivered; without it, it ends at the output written so far.
   */
  streamLogs(options?: { follow?: boolean; signal?: AbortSignal }): AsyncIterable<LogChunk>;
  /** Stops the run (the whole process tree, container or pod) and returns its final state. */
  cancel(): Promise<RunState>;
}

/**
 * The durable record of a run in the local run store: what was asked, where, with what, and (once
 * known) how it ended. Written before the run starts and updated when it ends, atomically.
 */
export interface RunRecord {
  /** The run's id. */
  id: string;
  /** When it was submitted, ISO 8601. */
  createdAt: string;
  /** The infrastructure's name. */
  infrastructure: string;
  /** The backend that runs it. */
  backend: string;
  /** The program as submitted. */
  program: Program;
  /** A one-line description of the program for listings (`hello.py --name x`). */
  description: string;
  /** The runtime's content hash. */
  runtimeHash: string;
  /**
   * The backend's handle, to reattach from another process. Absent until the backend accepted the run.
   * Stored as the backend returned it, so the same contract version reads it back.
   */
  handle?: RunHandleV1;
  /** The timeout in milliseconds, if any. */
  timeoutMilliseconds?: number;
  /** The last known state; final once its status is terminal. */
  state: RunState;
}
