/**
 * `@icl/backend-testkit`: the conformance suites every ICL backend and resource provider runs in its own
 * vitest.
 *
 * `backendTestSuite(vitest, createBackend, options)` registers tests for running jobs, complete and
 * streamed output, environment and arguments, shipped files, Python functions, cancel, timeout,
 * isolation, detached runs and inventory, driven only through `BackendV1`.
 *
 * `resourceProviderTestSuite(vitest, createProvider, options)` registers tests of the written contract
 * of `ResourceProviderV1`: check, create, read, diff, update, idempotent delete, import, adoption after
 * an interrupted create, and what a failed create leaves.
 */
export { type BackendTestName, backendTestNames } from './backend-test-names';
export { backendTestSuite } from './backend-test-suite';
export type { BackendModuleReference, BackendTestSuiteOptions } from './backend-test-suite-options';
export { type CollectedLogs, type CollectLogsOptions, collectLogs } from './collect-logs';
export {
  type ResourceProviderTestName,
  resourceProviderTestNames,
  resourceProviderTestSuite,
} from './resource-provider-test-suite';
export type {
  ResourceProviderAdoption,
  ResourceProviderChangeSample,
  ResourceProviderInvalidSample,
  ResourceProviderSampleContext,
  ResourceProviderTestSuiteOptions,
} from './resource-provider-test-suite-options';
