/**
 * `@icl/backend-testkit`: the conformance suite every ICL backend runs in its own vitest.
 *
 * `backendTestSuite(vitest, createBackend, options)` registers tests for running jobs, complete and
 * streamed output, environment and arguments, shipped files, Python functions, cancel, timeout,
 * isolation, detached runs and inventory, driven only through `BackendV1`.
 */
export { type BackendTestName, backendTestNames } from './backend-test-names';
export { backendTestSuite } from './backend-test-suite';
export type { BackendModuleReference, BackendTestSuiteOptions } from './backend-test-suite-options';
export { type CollectedLogs, type CollectLogsOptions, collectLogs } from './collect-logs';
