import { collectLogs } from '@icl/backend-testkit';
import type { BackendV1, ProgressEventV1 } from '@icl/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKubernetesBackend } from '../src/index';
import {
  createTemporaryRoot,
  eventually,
  leftovers,
  realNodeSettings,
  requireRealNode,
  runRequest,
} from './helpers';

/**
 * A runtime that installs packages, on a cluster: the default builder (the Docker daemon at
 * DOCKER_HOST, the testbed's) builds its image once, the `imageLoad` command loads it into the real
 * node, and the program finds the package.
 */
describe('runtimes with packages, built by the Docker daemon', () => {
  let temporary: Awaited<ReturnType<typeof createTemporaryRoot>>;
  let backend: BackendV1;
  beforeAll(async () => {
    await requireRealNode();
    const imageLoad = process.env.ICL_TEST_KUBERNETES_IMAGE_LOAD;
    if (!imageLoad || !process.env.DOCKER_HOST) {
      throw new Error(
        'These tests need the docker and kubernetes testbeds (DOCKER_HOST and ICL_TEST_KUBERNETES_IMAGE_LOAD); run them through this package’s vitest config.',
      );
    }
    temporary = await createTemporaryRoot();
    backend = createKubernetesBackend(
      { ...realNodeSettings, imageLoad: JSON.parse(imageLoad) as string[] },
      temporary.context,
    );
  });
  afterAll(async () => {
    await backend?.close?.();
    await temporary?.remove();
  });

  const jqRun = () =>
    runRequest(
      { kind: 'command', command: ['jq', '--version'] },
      { runtime: { image: realNodeSettings.image, dependencies: { apt: ['jq'] } } },
    );

  test('builds the image once, loads it into the node, and the program uses the package', async () => {
    const events: ProgressEventV1[] = [];
    const first = jqRun();
    const handle = await backend.startRun(first, { onProgress: (event) => events.push(event) });
    const state = await backend.waitForRun(handle);
    const logs = await collectLogs(backend, handle);
    expect(state.status, logs.stderr).toBe('succeeded');
    expect(logs.stdout).toMatch(/^jq-1\.\d/);
    expect(
      events.some((event) => /Loaded icl-runtime:\S+ into the cluster's nodes/.test(event.message)),
    ).toBe(true);
    // The Job is deleted once its end is recorded; the garbage collector removes its pod right after.
    await eventually(
      async () => ((await leftovers(first.runId)).length === 0 ? true : undefined),
      20_000,
      'the run’s Job and pod to be gone',
    );

    const second = jqRun();
    const reusedEvents: ProgressEventV1[] = [];
    const again = await backend.startRun(second, { onProgress: (event) => reusedEvents.push(event) });
    expect((await backend.waitForRun(again)).status).toBe('succeeded');
    expect(reusedEvents.some((event) => event.reused === true)).toBe(true);
  });
});
