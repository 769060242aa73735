/**
 * `@icl/sdk`: run the program you are writing on any infrastructure from your own code.
 *
 * ```ts
 * import { program, run, runtime } from '@icl/sdk';
 *
 * const training = await run(program('train.py', { function: 'train' }), {
 *   runtime: runtime({ dependencies: { pip: ['numpy'] } }),
 *   parameters: { epochs: 3 },
 * });
 * console.log(await training.result());
 * ```
 *
 * Runs are recorded in a durable local store, so `getRun(id)` and the `icl` CLI follow, wait for and
 * cancel them from any later process.
 */
export {
  type BackendCapabilitiesV1,
  type BackendRegistration,
  BackendRegistry,
  BackendUnavailableError,
  type BackendV1,
  type CommandProgram,
  type Duration,
  type FileMapping,
  type FunctionProgram,
  type GpuRequest,
  IclError,
  type Infrastructure,
  InvalidArgumentError,
  type Inventory,
  type InventoryGpu,
  type InventoryNode,
  isTerminalRunStatus,
  type JsonObject,
  type JsonValue,
  type LogChunk,
  type LogStream,
  type Program,
  type ProgressEventV1,
  type ResourceRequest,
  ResourceUnavailableError,
  type Run,
  RunFailedError,
  type RunLogs,
  RunNotFoundError,
  type RunRecord,
  type RunState,
  type RunStatus,
  RunTimeoutError,
  type Runtime,
  RuntimeBuildError,
  type RuntimeDependencies,
  type ScriptProgram,
  UnknownBackendError,
  UnknownInfrastructureError,
  UnsupportedCapabilityError,
  UnsupportedSpecificationVersionError,
} from '@icl/core';
export {
  type BuiltInBackend,
  createDefaultBackendRegistry,
  listBuiltInBackends,
  localBackendPackage,
} from './default-backend-registry';
export { defaultIcl, getRun, listRuns, run, start } from './default-icl';
export { describeProgram } from './describe-program';
export {
  type DiscoveredPlugin,
  discoverPlugins,
  loadPluginResourceProviders,
  registerDiscoveredPlugins,
} from './discover-plugins';
export { firstPartyPlugins } from './first-party-plugins';
export {
  createIcl,
  type Icl,
  type IclOptions,
  type InfrastructureListing,
  type ListRunsOptions,
} from './icl-client';
export { createBackendContext, type IclDirectories, resolveIclDirectories } from './icl-directories';
export { type InfrastructureOptions, infrastructure } from './infrastructure';
export { environmentName, infrastructureEnvironmentOverrides } from './infrastructure-environment-overrides';
export { type InlineScriptMetadata, readInlineScriptMetadata } from './inline-script-metadata';
export { type CommandProgramOptions, type ProgramOptions, program } from './program';
export {
  type InfrastructureReference,
  type InfrastructureSelector,
  resolveInfrastructure,
} from './resolve-infrastructure';
export { RunHandle, type RunHandleOptions } from './run-handle';
export { createRunId } from './run-id';
export type { RunOptions } from './run-options';
export {
  RunRecordUnreadableError,
  type RunRecordUnreadableErrorOptions,
} from './run-record-unreadable-error';
export { type DamagedRunRecord, RunStore } from './run-store';
export { type RuntimeOptions, runtime } from './runtime';
export {
  type InfrastructureDefinition,
  type LoadSettingsOptions,
  loadSettings,
  type Settings,
} from './settings';
