import type { BackendContextV1, BackendV1 } from '@icl/core';
import type * as Vitest from 'vitest';
import { type BackendTestSuiteOptions, validateBackendTestSuiteOptions } from './backend-test-suite-options';
import { ConformanceHarness } from './conformance-harness';
import { registerCancelTests } from './tests/register-cancel-tests';
import { registerDetachTests } from './tests/register-detach-tests';
import { registerFilesTests } from './tests/register-files-tests';
import { registerInventoryTests } from './tests/register-inventory-tests';
import { registerIsolationTests } from './tests/register-isolation-tests';
import { registerJobsTests } from './tests/register-jobs-tests';
import { registerLogStreamingTests } from './tests/register-log-streaming-tests';
import { registerPythonFunctionTests } from './tests/register-python-function-tests';
import { registerServiceTests } from './tests/register-service-tests';
import { registerTimeoutTests } from './tests/register-timeout-tests';

const hookTimeoutMilliseconds = 60_000;

/**
 * Registers the ICL backend conformance suite in the calling test file.
 *
 * Every backend, ours and third parties', runs the same suite in its own vitest, so "implements BackendV1"
 * means the same thing everywhere. The caller passes its vitest module (the testkit never imports vitest,
 * so it always uses the caller's copy and configuration) and a factory; the suite creates temporary
 * state and cache directories, creates the backend in `beforeAll`, drives it only through `BackendV1`
 * with Python fixture programs it writes itself, and closes it and removes everything in `afterAll`.
 *
 * Groups follow `backend.capabilities`: a declared capability is tested fully; an undeclared one is
 * checked to be refused with `unsupported-capability` (or, where there is nothing to refuse, declared
 * `false`). A test the backend cannot pass is disabled by name in `options.disabledTests`, with a reason.
 *
 * @example
 * ```ts
 * import * as vitest from 'vitest';
 * import { backendTestSuite } from '@icl/backend-testkit';
 * import { createLocalBackend } from '@icl/plugin-local';
 *
 * backendTestSuite(vitest, (context) => createLocalBackend({}, context), {
 *   name: 'local',
 *   module: { specifier: '@icl/plugin-local', exportName: 'createLocalBackend', settings: {} },
 *   hostProcesses: true,
 * });
 * ```
 *
 * @throws Error at registration when the options are invalid (an unknown or reason-less disabled test).
 */
export function backendTestSuite(
  vitest: typeof Vitest,
  createBackend: (context: BackendContextV1) => BackendV1 | Promise<BackendV1>,
  options: BackendTestSuiteOptions,
): void {
  validateBackendTestSuiteOptions(options);
  const harness = new ConformanceHarness(vitest, createBackend, options);
  const { describe, beforeAll, afterAll, afterEach } = vitest;
  const hookTimeout = harness.scaled(hookTimeoutMilliseconds);

  describe(`backend conformance: ${options.name}`, () => {
    beforeAll(() => harness.setUp(), hookTimeout);
    afterEach(() => harness.cancelUnfinishedRuns(), hookTimeout);
    afterAll(() => harness.tearDown(), hookTimeout);

    describe('jobs', () => registerJobsTests(harness));
    describe('files', () => registerFilesTests(harness));
    describe('python functions', () => registerPythonFunctionTests(harness));
    describe('cancel', () => registerCancelTests(harness));
    describe('timeout', () => registerTimeoutTests(harness));
    describe('isolation', () => registerIsolationTests(harness));
    describe('logs', () => registerLogStreamingTests(harness));
    describe('detach', () => registerDetachTests(harness));
    describe('inventory', () => registerInventoryTests(harness));
    describe('services', () => registerServiceTests(harness));
  });
}
