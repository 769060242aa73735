import { backendTestSuite } from '@icl/backend-testkit';
import * as vitest from 'vitest';
import { createLocalBackend } from '../src/index';

backendTestSuite(vitest, (context) => createLocalBackend({ graceMilliseconds: 1000 }, context), {
  name: 'local',
  module: {
    specifier: '@icl/plugin-local',
    exportName: 'createLocalBackend',
    settings: { graceMilliseconds: 1000 },
  },
  hostProcesses: true,
});
