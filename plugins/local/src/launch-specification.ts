/**
 * Everything the supervisor needs to start and watch one program. It is handed over in memory or on
 * the supervisor's standard input, never written to disk, because the environment may hold secrets.
 */
export interface LaunchSpecification {
  /** The run's id. */
  runId: string;
  /** The run directory (see `LocalRunDirectory`), where the output and the exit are written. */
  directory: string;
  /** The executable. */
  command: string;
  /** Its arguments. */
  arguments: string[];
  /** The complete environment of the program. */
  environment: Record<string, string>;
  /** Stop the program after this long and report `timed-out`. */
  timeoutMilliseconds?: number;
  /** How long a stopped program gets between SIGTERM and SIGKILL. */
  graceMilliseconds: number;
  /** GPU indices assigned to the run, released when it ends. */
  gpus: string[];
  /** Where GPU claims are kept, to release them when the run ends. */
  gpuClaimDirectory?: string;
}
