import { backendTestSuite } from '@icl/backend-testkit';
import * as vitest from 'vitest';
import { createKubernetesBackend } from '../src/index';
import { leftovers, realNodeSettings, requireRealNode, testImage } from './helpers';

// The whole suite runs on the testbed's real node, so every group that needs a program's output runs.
vitest.beforeAll(requireRealNode);

backendTestSuite(vitest, (context) => createKubernetesBackend(realNodeSettings, context), {
  name: 'k8s',
  module: {
    specifier: '@icl/plugin-kubernetes',
    exportName: 'createKubernetesBackend',
    settings: { ...realNodeSettings },
  },
  runtime: { image: testImage },
  // A pod takes about a second to be scheduled and started, where a process takes milliseconds.
  timeoutScale: 3,
  afterRun: async (handle) => {
    vitest.expect(await leftovers(handle.runId), 'objects left in the cluster with the run id').toEqual([]);
  },
});
