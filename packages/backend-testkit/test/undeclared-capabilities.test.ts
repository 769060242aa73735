import { type BackendV1, type RunRequestV1, UnsupportedCapabilityError } from '@icl/core';
import * as vitest from 'vitest';
import { backendTestSuite } from '../src/index';
import { createProcessBackend } from './process-backend.js';

/**
 * The reference backend with every optional capability switched off, refusing what it no longer declares
 * as the contract asks: checks the suite's rule for undeclared capabilities passes such a backend.
 */
async function createJobsOnlyBackend(backend: BackendV1): Promise<BackendV1> {
  const refuse = (capability: string) =>
    new UnsupportedCapabilityError({ message: `no ${capability}`, backendName: 'jobs-only', capability });
  return {
    ...backend,
    name: 'jobs-only',
    capabilities: {
      ...backend.capabilities,
      logFollow: false,
      cancel: false,
      files: false,
      pythonFunctions: false,
      timeout: false,
      detach: false,
    },
    async startRun(request: RunRequestV1) {
      if ((request.runtime.files ?? []).length > 0) throw refuse('files');
      if (request.program.service) throw refuse('services');
      if (request.program.kind === 'function') throw refuse('pythonFunctions');
      if (request.timeoutMilliseconds !== undefined) throw refuse('timeout');
      return backend.startRun(request);
    },
    async cancelRun() {
      throw refuse('cancel');
    },
  };
}

backendTestSuite(vitest, async (context) => createJobsOnlyBackend(await createProcessBackend({}, context)), {
  name: 'jobs only',
  hostProcesses: true,
});
