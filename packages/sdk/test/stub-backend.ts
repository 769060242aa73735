import {
  type BackendCapabilitiesV1,
  BackendRegistry,
  type BackendV1,
  type LogChunk,
  type RunHandleV1,
  type RunRequestV1,
  type RunState,
} from '@icl/core';

/** A backend that keeps runs in memory and ends each with the state the test chose, for SDK tests. */
export interface StubBackend extends BackendV1 {
  /** Every request startRun received. */
  readonly requests: RunRequestV1[];
  /** The state runs end in. */
  finalState: RunState;
  /** When set, startRun throws it. */
  startError?: Error;
  /** How many times waitForRun and cancelRun were called. */
  calls: { waitForRun: number; getRunState: number; cancelRun: number };
}

export function createStubBackend(capabilities: Partial<BackendCapabilitiesV1> = {}): StubBackend {
  const states = new Map<string, RunState>();
  const backend: StubBackend = {
    specificationVersion: 'v1',
    name: 'stub',
    capabilities: {
      jobs: true,
      services: false,
      gpus: false,
      provisioning: false,
      logFollow: true,
      cancel: true,
      files: true,
      schedules: false,
      pythonFunctions: true,
      timeout: true,
      detach: true,
      ...capabilities,
    },
    requests: [],
    finalState: { status: 'succeeded', exitCode: 0 },
    calls: { waitForRun: 0, getRunState: 0, cancelRun: 0 },
    async inventory() {
      return { nodes: [{ name: 'stub-node', cpus: 4, memoryBytes: 8 * 2 ** 30, gpus: [] }] };
    },
    async startRun(request) {
      if (backend.startError) throw backend.startError;
      backend.requests.push(request);
      states.set(request.runId, { status: 'running', startedAt: new Date().toISOString() });
      return { runId: request.runId, data: { memory: request.runId } };
    },
    async getRunState(handle: RunHandleV1) {
      backend.calls.getRunState += 1;
      return states.get(handle.runId) ?? { status: 'failed', reason: 'unknown run' };
    },
    async *readLogs(handle: RunHandleV1): AsyncIterable<LogChunk> {
      yield { stream: 'stdout', text: `output of ${handle.runId}\n` };
      yield { stream: 'stderr', text: 'a warning\n' };
    },
    async waitForRun(handle: RunHandleV1) {
      backend.calls.waitForRun += 1;
      const ended = { ...backend.finalState, endedAt: new Date().toISOString() };
      states.set(handle.runId, ended);
      return ended;
    },
    async cancelRun(handle: RunHandleV1) {
      backend.calls.cancelRun += 1;
      const cancelled: RunState = { status: 'cancelled', endedAt: new Date().toISOString() };
      states.set(handle.runId, cancelled);
      return cancelled;
    },
  };
  return backend;
}

/** A registry with the stub registered as `stub` (and as `local`, so the default infrastructure works). */
export function stubRegistry(backend: StubBackend): BackendRegistry {
  return new BackendRegistry()
    .register({ name: 'stub', load: () => () => backend })
    .register({ name: 'local', load: () => () => backend });
}
