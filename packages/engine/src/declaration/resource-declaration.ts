import type { ResourceProviderV1 } from '@icl/core';
import type { InputValue } from './input';
import type { SourceLocation } from './source-location';

/**
 * One resource as a stack declares it, whether it came from TypeScript or from a stack file: the plain
 * data the engine validates, plans and applies.
 */
export interface ResourceDeclaration {
  /** The name, unique in the stack; references use it (`${name.output}`). */
  readonly name: string;
  /** The resource type (`icl:File`, `kind:Cluster`). */
  readonly type: string;
  /**
   * The provider, when the declaration brings its own (TypeScript stacks); otherwise the engine looks
   * `type` up among the providers it was given.
   */
  readonly provider?: ResourceProviderV1;
  /** Desired inputs; values may be outputs of other resources. */
  readonly inputs: Readonly<Record<string, InputValue>>;
  /** Resources that must exist first although no input references them. */
  readonly dependsOn: readonly string[];
  /**
   * Where a field of this declaration was written (`['inputs', 'path']`), for error messages; absent
   * for stacks built in code.
   */
  readonly locate?: (field: readonly (string | number)[]) => SourceLocation | undefined;
}
