import type { Duration, JsonObject, ProgressEventV1, Runtime } from '@icl/core';
import type { InfrastructureSelector } from './resolve-infrastructure';

/**
 * How to run a program, as in the original ICL's
 * `run(program, { infrastructure, runtime, parameters, timeout, detach })`.
 */
export interface RunOptions {
  /** Where to run: a name (`'local'`, `'gpu-lab'`), `infrastructure(...)`, or the default infrastructure when absent. */
  infrastructure?: InfrastructureSelector;
  /** What to run it with (packages, environment, files). */
  runtime?: Runtime;
  /**
   * A list is appended to the program's command-line arguments; an object is passed as keyword
   * arguments to a function program.
   */
  parameters?: string[] | JsonObject;
  /** Environment variables for this run, on top of the runtime's. */
  environment?: Record<string, string>;
  /** Stop the run after this long and report `timed-out` (`30s`, `5min`, `1h`; a number is seconds). */
  timeout?: Duration;
  /**
   * Let the run outlive this process. `run()` then returns as soon as the run has started instead of
   * when it has ended; follow it later with `getRun(id)`.
   */
  detach?: boolean;
  /** GPUs: a count (`2`) or a model and count (`'H100:8'`); overrides the program's GPU request. */
  gpus?: string | number;
  /** Called with progress of slow steps (building the runtime), for progress displays. */
  onProgress?: (event: ProgressEventV1) => void;
  /** Aborts preparing the run (building the runtime); a started run is stopped with `cancel()`. */
  signal?: AbortSignal;
}
