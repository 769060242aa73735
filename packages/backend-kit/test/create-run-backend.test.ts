import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackendUnavailableError, normalizeResourceRequest, type RunRequestV1, runtimeHash } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRunBackend, type RunDriver, type RunObservation } from '../src/index';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'icl-kit-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

let counter = 0;
function request(extra: Partial<RunRequestV1> = {}): RunRequestV1 {
  counter += 1;
  return {
    runId: `kit-${Date.now().toString(36)}-${counter}`,
    program: { kind: 'command', command: ['serve'] },
    runtime: {},
    runtimeHash: runtimeHash({}),
    environment: {},
    resources: normalizeResourceRequest({}),
    detach: true,
    labels: {},
    ...extra,
  };
}

/** A driver whose place answers with `look()`, for the kit's side of the contract. */
function driver(
  look: () => Promise<RunObservation>,
  endpoints?: RunDriver['endpoints'],
): RunDriver<{ id: string }> {
  return {
    name: 'fake',
    capabilities: { services: true },
    enforcesTimeouts: true,
    inventory: async () => ({ nodes: [] }),
    submit: async (submitted) => ({ id: submitted.runId }),
    observe: look,
    async *readOutput() {},
    stop: async () => undefined,
    remove: async () => undefined,
    ...(endpoints ? { endpoints } : {}),
  };
}

describe('the kit, against a driver', () => {
  test('a service that ended before its port was published ends failed, saying it exited before answering', async () => {
    const backend = createRunBackend(
      driver(
        async () => ({ status: 'exited', exitCode: 4 }),
        async () => [],
      ),
      { stateDirectory: root },
    );
    const handle = await backend.startRun(
      request({ program: { kind: 'command', command: ['serve'], service: { ports: [8000] } } }),
    );
    const state = await backend.getRunState(handle);
    expect(state).toMatchObject({
      status: 'failed',
      reason: 'The service exited before it answered on port 8000.',
    });
  });

  test('a place out of reach makes the run unreachable, with why; once it answers the run is running again', async () => {
    let reachable = false;
    const backend = createRunBackend(
      driver(async () => {
        if (!reachable)
          throw new BackendUnavailableError({ backendName: 'fake', message: 'Cannot reach host lab-1.' });
        return { status: 'running' };
      }),
      { stateDirectory: root },
    );
    const handle = await backend.startRun(request());
    expect(await backend.getRunState(handle)).toEqual({
      status: 'unreachable',
      reason: 'Cannot reach host lab-1.',
    });
    reachable = true;
    expect((await backend.getRunState(handle)).status).toBe('running');
  });
});
