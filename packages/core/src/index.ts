/**
 * `@icl/core`: the ICL specification.
 *
 * The types users build programs from (Infrastructure, Runtime, Program, Run), the versioned contracts
 * plugins implement (`BackendV1`, `ResourceProviderV1`, `OptimizerV1`), resource quantities, durations
 * and the typed errors every package raises. It has no dependencies, so plugins can depend on it freely.
 */
export * from './backend-registry';
export * from './backend-v1';
export * from './closest-name';
export * from './duration';
export * from './errors/backend-unavailable-error';
export * from './errors/icl-error';
export * from './errors/invalid-argument-error';
export * from './errors/resource-unavailable-error';
export * from './errors/run-failed-error';
export * from './errors/run-not-found-error';
export * from './errors/run-timeout-error';
export * from './errors/runtime-build-error';
export * from './errors/unknown-backend-error';
export * from './errors/unknown-infrastructure-error';
export * from './errors/unsupported-capability-error';
export * from './errors/unsupported-specification-version-error';
export * from './gpu-request';
export * from './infrastructure';
export * from './json-nesting-depth';
export * from './json-value';
export * from './long-timeout';
export * from './optimizer-v1';
export * from './plugin-manifest';
export * from './program';
export * from './quantity';
export * from './resource-provider-v1';
export * from './resource-request';
export * from './run';
export * from './run-state';
export * from './run-status';
export * from './runtime';
