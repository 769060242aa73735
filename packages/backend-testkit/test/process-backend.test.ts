import { fileURLToPath } from 'node:url';
import * as vitest from 'vitest';
import { backendTestSuite } from '../src/index';
import { createProcessBackend } from './process-backend.js';

// The conformance suite against the reference backend; also the example of how a backend runs it.
backendTestSuite(vitest, (context) => createProcessBackend({}, context), {
  name: 'process',
  module: {
    specifier: fileURLToPath(new URL('./process-backend.js', import.meta.url)),
    exportName: 'createProcessBackend',
  },
  hostProcesses: true,
});
