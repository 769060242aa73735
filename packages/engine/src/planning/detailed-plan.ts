import type { ResourceProviderV1 } from '@icl/core';
import type { ResourceState } from '../state/resource-state';
import type { ValidatedResource } from '../validation/validated-stack';
import type { Plan, ResourceChange } from './plan';
import type { ResolvedInputs } from './resolve-inputs';

/** A declared resource in a plan, with what the engine needs to apply it. */
export interface PlannedResource {
  /** What the plan shows. */
  readonly change: ResourceChange;
  /** The declaration, validated. */
  readonly resource: ValidatedResource;
  /** Its record when the plan was made, if it exists. */
  readonly recorded: ResourceState | undefined;
  /** Its inputs as far as known when planning. */
  readonly inputs: ResolvedInputs;
  /** Top-level inputs holding secrets. */
  readonly secretInputs: ReadonlySet<string>;
  /** For replacements: delete the old one first. */
  readonly deleteBeforeReplace: boolean;
  /** The provider of the recorded resource, which differs from the declared one when the type changed. */
  readonly recordedProvider: ResourceProviderV1 | undefined;
}

/** A recorded resource the plan deletes: no longer declared, or replaced earlier and still there. */
export interface PlannedDeletion {
  /** What the plan shows. */
  readonly change: ResourceChange;
  /** The record of what exists. */
  readonly recorded: ResourceState;
  /** The provider of its type. */
  readonly provider: ResourceProviderV1;
}

/** A plan with what the engine needs to carry it out. */
export interface DetailedPlan {
  /** What users see. */
  readonly plan: Plan;
  /** Declared resources in scope, dependencies first. */
  readonly resources: readonly PlannedResource[];
  /** Recorded resources to delete. */
  readonly deletions: readonly PlannedDeletion[];
}
