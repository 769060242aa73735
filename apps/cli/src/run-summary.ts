import type { JsonValue, RunRecord, ServiceEndpoint } from '@icl/core';

/**
 * What the CLI shows of a run in `--json` output (`icl runs`, `icl status`, `icl run --json`): the
 * record's facts flattened with its state, and without the backend's internal handle.
 */
export interface RunSummary {
  /** The run's id. */
  id: string;
  /** Its status. */
  status: string;
  /** The program's exit code, once it exited by itself. */
  exitCode: number | null;
  /** The infrastructure it ran on. */
  infrastructure: string;
  /** The backend that ran it. */
  backend: string;
  /** One line describing the program (`hello.py --name x`). */
  program: string;
  /** When it was submitted. */
  createdAt: string;
  /** When the program started. */
  startedAt: string | null;
  /** When it ended. */
  endedAt: string | null;
  /** Milliseconds from start (or submission) to end, once ended. */
  durationMilliseconds: number | null;
  /** The function program's return value. */
  result: JsonValue;
  /** Why it failed, when known. */
  reason: string | null;
  /** Where a running service answers; empty for programs that are not services. */
  endpoints: ServiceEndpoint[];
  /** The timeout in milliseconds, when one was set. */
  timeoutMilliseconds: number | null;
  /** The runtime's content hash. */
  runtimeHash: string;
}

/** Flattens a run record for `--json` output; absent values are `null` so every key is always there. */
export function summarizeRun(record: RunRecord): RunSummary {
  const state = record.state;
  return {
    id: record.id,
    status: state.status,
    exitCode: state.exitCode ?? null,
    infrastructure: record.infrastructure,
    backend: record.backend,
    program: record.description,
    createdAt: record.createdAt,
    startedAt: state.startedAt ?? null,
    endedAt: state.endedAt ?? null,
    durationMilliseconds: runDuration(record) ?? null,
    result: state.result ?? null,
    reason: state.reason ?? null,
    endpoints: state.endpoints ?? [],
    timeoutMilliseconds: record.timeoutMilliseconds ?? null,
    runtimeHash: record.runtimeHash,
  };
}

/** How long a run took (or has taken so far, when `now` is given for a running one). */
export function runDuration(record: RunRecord, now?: number): number | undefined {
  const start = Date.parse(record.state.startedAt ?? record.createdAt);
  const end = record.state.endedAt ? Date.parse(record.state.endedAt) : now;
  if (end === undefined || Number.isNaN(start) || Number.isNaN(end)) return undefined;
  return Math.max(0, end - start);
}
