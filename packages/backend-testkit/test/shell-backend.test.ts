import * as vitest from 'vitest';
import { backendTestSuite } from '../src/index';
import { createShellBackend } from './shell-backend.js';

// A backend written on @icl/backend-kit's run driver passes the whole suite.
backendTestSuite(vitest, (context) => createShellBackend({}, context), {
  name: 'shell (run driver)',
  module: {
    specifier: new URL('./shell-backend.js', import.meta.url).pathname,
    exportName: 'createShellBackend',
  },
  hostProcesses: true,
});
