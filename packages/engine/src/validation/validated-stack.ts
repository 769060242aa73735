import type { ResourceProviderV1 } from '@icl/core';
import type { ResourceDeclaration } from '../declaration/resource-declaration';

/** A declared resource that passed validation, with its provider and dependencies worked out. */
export interface ValidatedResource {
  /** The declaration. */
  readonly declaration: ResourceDeclaration;
  /** The provider of its type. */
  readonly provider: ResourceProviderV1;
  /** `stack::type::name`. */
  readonly urn: string;
  /** Resources it needs first: those its inputs reference, then its `dependsOn`, without repeats. */
  readonly dependencies: readonly string[];
  /** Whether its inputs use outputs of other resources (if not, they are plain JSON as declared). */
  readonly hasReferences: boolean;
}

/** A stack that can be planned: every reference resolves and the resources form no cycle. */
export interface ValidatedStack {
  /** The stack's name. */
  readonly name: string;
  /** Resources with every dependency before its dependents (declaration order otherwise). */
  readonly resources: readonly ValidatedResource[];
  /** The same resources by name. */
  readonly byName: ReadonlyMap<string, ValidatedResource>;
  /** Providers by type: those the engine was given, overridden by those the stack brings. */
  readonly providers: ReadonlyMap<string, ResourceProviderV1>;
}
