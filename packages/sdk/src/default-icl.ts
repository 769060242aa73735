import type { Program, Run, RunRecord } from '@icl/core';
import { createIcl, type Icl, type ListRunsOptions } from './icl-client';
import type { RunOptions } from './run-options';

let defaultClient: Icl | undefined;

/**
 * The client behind the module-level functions (`run`, `getRun`, …), created on first use from the
 * user's settings and directories, so a script can call `run()` with no setup at all.
 */
export function defaultIcl(): Icl {
  defaultClient ??= createIcl();
  return defaultClient;
}

/**
 * Runs a program and, unless `detach` is set, waits for it to end. Failures do not throw here: call
 * `result()` on the returned run for an exception, or look at its state.
 */
export function run(program: Program, options?: RunOptions): Promise<Run> {
  return defaultIcl().run(program, options);
}

/** Starts a program and returns as soon as it runs, to stream its logs or do other work meanwhile. */
export function start(program: Program, options?: RunOptions): Promise<Run> {
  return defaultIcl().start(program, options);
}

/** A run recorded earlier, by id or unique prefix, also from another process. */
export function getRun(idOrPrefix: string): Promise<Run> {
  return defaultIcl().getRun(idOrPrefix);
}

/** The recorded runs, newest first. */
export function listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
  return defaultIcl().listRuns(options);
}
