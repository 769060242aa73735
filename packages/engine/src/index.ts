/**
 * `@icl/engine`: declare infrastructure as stacks, see a plan, apply it, detect drift, destroy.
 *
 * ```ts
 * import { createLocalStateStore, createStack, createStackEngine, directory, file, interpolate } from '@icl/engine';
 *
 * const stack = createStack('demo');
 * const workspace = stack.resource('workspace', directory, { path: 'build' });
 * stack.resource('config', file, { path: interpolate`${workspace.outputs.path}/config.json`, content: '{}' });
 *
 * const engine = createStackEngine({
 *   store: createLocalStateStore({ directory: '.icl/stacks', keyFile: '.icl/state.key' }),
 * });
 * console.log((await engine.plan(stack)).summary);
 * await engine.apply(stack);
 * ```
 *
 * Providers implement `ResourceProviderV1` from `@icl/core`. The engine validates a whole stack before
 * anything changes, applies it as a dependency graph with bounded concurrency, and records every step
 * in a journaled state store: an operation is announced before its provider runs and recorded when it
 * ends, so after a crash the next run adopts or drops what was in flight and converges.
 */
export type { ExecutionSummary } from './apply/execute-plan';
export type { Input, Inputs, InputValue } from './declaration/input';
export { interpolate } from './declaration/interpolate';
export { defaultStackFileNames, loadStackFile } from './declaration/load-stack-file';
export { Output, type OutputReference } from './declaration/output';
export { parseStackFile } from './declaration/parse-stack-file';
export type { ResourceDeclaration } from './declaration/resource-declaration';
export { formatSourceLocation, type SourceLocation } from './declaration/source-location';
export { createStack, type OutputsOf, Resource, type ResourceOptions, Stack } from './declaration/stack';
export { stackNamePattern } from './declaration/stack-name-pattern';
export type { EngineEvent } from './engine-event';
export { ApplyFailedError, type ResourceFailure } from './errors/apply-failed-error';
export { ApplyInterruptedError } from './errors/apply-interrupted-error';
export { InterruptedOperationError } from './errors/interrupted-operation-error';
export { ResourceOperationError, type ResourceOperationErrorCode } from './errors/resource-operation-error';
export { StackLockedError } from './errors/stack-locked-error';
export { formatStackProblem, type StackProblem, StackValidationError } from './errors/stack-validation-error';
export { StateUnreadableError } from './errors/state-unreadable-error';
export {
  type InterruptedOperation,
  type Plan,
  type PlanSummary,
  type PropertyChange,
  planHasChanges,
  type ResourceAction,
  type ResourceChange,
  type ResourceDrift,
} from './planning/plan';
export type { BuiltInProviderOptions } from './providers/built-in-provider-options';
export { createBuiltInProviders } from './providers/built-in-providers';
export {
  type CommandInputs,
  type CommandOutputs,
  command,
  createCommandProvider,
} from './providers/command-provider';
export {
  createDirectoryProvider,
  type DirectoryInputs,
  type DirectoryOutputs,
  directory,
} from './providers/directory-provider';
export { createFileProvider, type FileInputs, type FileOutputs, file } from './providers/file-provider';
export { createNoopProvider, type NoopInputs, type NoopOutputs, noop } from './providers/noop-provider';
export {
  type ApplyOptions,
  type ApplyResult,
  createStackEngine,
  type OperationOptions,
  type PlanOptions,
  StackEngine,
  type StackEngineOptions,
} from './stack-engine';
export { createLocalStateStore, type LocalStateStoreOptions } from './state/local-state-store';
export type { LockHolder } from './state/lock-holder';
export type { PendingOperation, ResourceState } from './state/resource-state';
export type { StateRestoreReport } from './state/restore-stack-state';
export { sealedProperty } from './state/secret-cipher';
export { StackState, type StackStateData } from './state/stack-state';
export type { StateChange } from './state/state-change';
export type { StackSummary, StateSession, StateStore } from './state/state-store';
