import {
  type BackendV1,
  isTerminalRunStatus,
  type JsonValue,
  type LogChunk,
  type Run,
  RunFailedError,
  type RunHandleV1,
  type RunLogs,
  type RunRecord,
  type RunState,
  type RunStatus,
  RunTimeoutError,
  setLongTimeout,
} from '@icl/core';
import type { RunStore } from './run-store';

/** What a {@link RunHandle} needs: the store with its record, and its backend (created on first use). */
export interface RunHandleOptions {
  /** The run's record as last read. */
  record: RunRecord;
  /** The store the record lives in. */
  store: RunStore;
  /** Creates (or returns the cached) backend serving the run's infrastructure. */
  getBackend: () => Promise<BackendV1>;
}

/**
 * The SDK's {@link Run}: a run's record in the local store joined with its backend. Reading a run that
 * has ended costs one small file read; anything else asks the backend through the stored handle, so
 * the same handle works in the process that started the run and in any later one.
 */
export class RunHandle implements Run {
  /** The run's id. */
  readonly id: string;
  /** The infrastructure it runs on. */
  readonly infrastructure: string;
  readonly #store: RunStore;
  readonly #getBackend: () => Promise<BackendV1>;
  /**
   * The record as this handle last read or wrote it. Its backend handle never changes once stored, and
   * a terminal state never changes either, so the handle's own reads come from here; a state recorded
   * meanwhile by another process comes back from the backend, which keeps every end it recorded.
   */
  #known: RunRecord;

  constructor(options: RunHandleOptions) {
    this.id = options.record.id;
    this.infrastructure = options.record.infrastructure;
    this.#store = options.store;
    this.#getBackend = options.getBackend;
    this.#known = options.record;
  }

  /** The run's durable record, as currently stored. */
  async record(): Promise<RunRecord> {
    this.#known = await this.#store.get(this.id);
    return this.#known;
  }

  /** The current status. */
  async status(): Promise<RunStatus> {
    return (await this.state()).status;
  }

  /** The current state; an ended run's state comes from the store without asking the backend. */
  async state(): Promise<RunState> {
    const record = this.#known;
    const handle = activeHandle(record);
    if (!handle) return record.state;
    const backend = await this.#getBackend();
    return this.#remember(await backend.getRunState(handle));
  }

  /**
   * Waits for the end and returns the final state, without throwing for failures. Enforces the
   * timeout itself when the backend cannot.
   */
  async wait(options: { signal?: AbortSignal } = {}): Promise<RunState> {
    const record = this.#known;
    const handle = activeHandle(record);
    if (!handle) return record.state;
    const backend = await this.#getBackend();
    if (record.timeoutMilliseconds === undefined || backend.capabilities.timeout) {
      return this.#remember(await backend.waitForRun(handle, options));
    }
    return this.#waitWithDeadline(backend, handle, record, options.signal);
  }

  /**
   * Waits for the end and returns the function's result (`null` for scripts).
   *
   * @throws RunTimeoutError when it timed out.
   * @throws RunFailedError when it failed or was cancelled.
   */
  async result(): Promise<JsonValue> {
    const state = await this.wait();
    if (state.status === 'succeeded') return state.result ?? null;
    if (state.status === 'timed-out') {
      const record = this.#known;
      throw new RunTimeoutError({
        runId: this.id,
        timeoutMilliseconds: record.timeoutMilliseconds ?? 0,
        message: `Run ${this.id} timed out${record.timeoutMilliseconds ? ` after ${record.timeoutMilliseconds / 1000}s` : ''}.`,
        hint: `See its output with \`icl logs ${this.id}\`, or give it a longer timeout.`,
      });
    }
    const detail =
      state.status === 'cancelled'
        ? 'was cancelled'
        : state.exitCode !== undefined
          ? `failed with exit code ${state.exitCode}`
          : `failed${state.reason ? `: ${state.reason}` : ''}`;
    throw new RunFailedError({
      runId: this.id,
      status: state.status,
      ...(state.exitCode === undefined ? {} : { exitCode: state.exitCode }),
      message: `Run ${this.id} ${detail}.`,
      hint: `See its output with \`icl logs ${this.id}\`.`,
    });
  }

  /** All output so far (all of it once the run has ended), by stream. */
  async logs(): Promise<RunLogs> {
    const logs: RunLogs = { stdout: '', stderr: '' };
    for await (const chunk of this.streamLogs({ follow: false })) logs[chunk.stream] += chunk.text;
    return logs;
  }

  /**
   * The output as it is written. With `follow` (the default) it ends once the run has ended and all
   * output is delivered. A backend that cannot stream is waited for, then read.
   */
  async *streamLogs(options: { follow?: boolean; signal?: AbortSignal } = {}): AsyncIterable<LogChunk> {
    const record = this.#known;
    const handle = record.handle;
    if (handle === undefined) return;
    const backend = await this.#getBackend();
    const follow = options.follow ?? true;
    if (follow && !backend.capabilities.logFollow) {
      await this.wait(options.signal ? { signal: options.signal } : {});
      yield* backend.readLogs(handle, {
        follow: false,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return;
    }
    yield* backend.readLogs(handle, { follow, ...(options.signal ? { signal: options.signal } : {}) });
  }

  /** Stops the run and everything it started, and returns its final state. Cancelling an ended run changes nothing. */
  async cancel(): Promise<RunState> {
    const record = this.#known;
    const handle = activeHandle(record);
    if (!handle) return record.state;
    const backend = await this.#getBackend();
    return this.#remember(await backend.cancelRun(handle));
  }

  /** Stores a newer state. The first terminal state stored wins, so two processes never disagree. */
  async #remember(state: RunState): Promise<RunState> {
    const known = this.#known;
    if (isTerminalRunStatus(known.state.status)) return known.state;
    if (sameState(known.state, state)) return state;
    this.#known = await this.#store.update(this.id, (draft) => {
      if (!isTerminalRunStatus(draft.state.status)) draft.state = state;
    });
    return this.#known.state;
  }

  async #waitWithDeadline(
    backend: BackendV1,
    handle: RunHandleV1,
    record: RunRecord,
    signal: AbortSignal | undefined,
  ): Promise<RunState> {
    const timeout = record.timeoutMilliseconds ?? 0;
    const startedAt = Date.parse(record.state.startedAt ?? record.createdAt);
    const remaining = Math.max(0, startedAt + timeout - Date.now());
    const stopWaiting = new AbortController();
    const onAbort = () => stopWaiting.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let cancelDeadline: (() => void) | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      cancelDeadline = setLongTimeout(() => resolve('deadline'), remaining);
    });
    try {
      const outcome = await Promise.race([
        backend.waitForRun(handle, { signal: stopWaiting.signal }),
        deadline,
      ]);
      if (outcome !== 'deadline') return this.#remember(outcome);
      stopWaiting.abort();
      const stopped = await backend.cancelRun(handle);
      if (stopped.status !== 'cancelled') return this.#remember(stopped);
      return this.#remember({
        ...stopped,
        status: 'timed-out',
        reason: `Exceeded the timeout of ${timeout / 1000}s.`,
      });
    } finally {
      cancelDeadline?.();
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** The backend handle of a run that may still change, or nothing when the recorded state is final. */
function activeHandle(record: RunRecord): RunHandleV1 | undefined {
  if (isTerminalRunStatus(record.state.status)) return undefined;
  return record.handle;
}

function sameState(left: RunState, right: RunState): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}
