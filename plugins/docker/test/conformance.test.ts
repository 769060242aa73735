import { backendTestSuite } from '@icl/backend-testkit';
import * as vitest from 'vitest';
import { createDockerBackend } from '../src/index';
import { baseImage, leftoverContainers, requireDaemon, stagedFilesLeft } from './helpers';

vitest.beforeAll(requireDaemon);

backendTestSuite(vitest, (context) => createDockerBackend({ baseImage }, context), {
  name: 'docker',
  module: {
    specifier: '@icl/plugin-docker',
    exportName: 'createDockerBackend',
    settings: { baseImage },
  },
  runtime: { image: baseImage },
  timeoutScale: 3,
  afterRun: async (handle) => {
    vitest.expect(await leftoverContainers(handle.runId), 'containers left with the run id').toEqual([]);
    vitest.expect(await stagedFilesLeft(handle), 'staged files left in the run directory').toBe(false);
  },
});
