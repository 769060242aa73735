import type { JsonObject } from '@icl/core';
import type { ResourceProviderTestName } from './resource-provider-test-suite';

/** What every sample of {@link ResourceProviderTestSuiteOptions} is made from. */
export interface ResourceProviderSampleContext {
  /** A temporary directory of the suite's, created before the provider and removed after the last test. */
  directory: string;
  /** Differs on every call, so two resources of the suite never collide (names, paths). */
  unique: string;
}

/** A change of the inputs of an existing resource, and the property it changes. */
export interface ResourceProviderChangeSample {
  /** The property the change is about, as the plan names it (`content`). */
  property: string;
  /** The changed inputs, from the inputs the resource was created with (after `check`). */
  change: (inputs: JsonObject, context: ResourceProviderSampleContext) => JsonObject;
}

/** Inputs `check` must refuse, and the property its failure must name. */
export interface ResourceProviderInvalidSample {
  /** The inputs, as a stack would give them. */
  inputs: JsonObject;
  /** The property path the failure must name (`mode`, `nodes[0].gpu`). */
  property: string;
}

/**
 * How the provider answers `read('', inputs, { urn })` after a create whose id the engine never recorded
 * (a crash between the create and the record), as the contract allows three answers:
 *
 * - `finds`: creation is findable (a deterministic name, a tag with the urn): it returns the resource,
 *   which the engine adopts;
 * - `nothing-made`: an interrupted create leaves nothing, so it returns `undefined`;
 * - `cannot-tell`: it throws, and the engine stops and asks the user.
 */
export type ResourceProviderAdoption = 'finds' | 'nothing-made' | 'cannot-tell';

/** Options of `resourceProviderTestSuite`. */
export interface ResourceProviderTestSuiteOptions {
  /** Shown in the suite title (`resource provider conformance: <name>`), so reports say what failed. */
  name: string;
  /** Valid inputs of a new resource, as a stack would give them (the suite passes them through `check`). */
  inputs: (context: ResourceProviderSampleContext) => JsonObject;
  /** Inputs `check` must refuse, each naming its property. Needed when the provider has `check`. */
  invalidInputs?: readonly ResourceProviderInvalidSample[];
  /** A change the provider makes in place. Needed when the provider has `update`. */
  update?: ResourceProviderChangeSample;
  /** A change that replaces the resource. Absent when no change of this type needs a replacement. */
  replace?: ResourceProviderChangeSample;
  /**
   * Inputs whose create fails (a path under a file, a command that exits 1). Absent when nothing can make
   * a create of this type fail; the test then shows as skipped with that reason.
   */
  failingInputs?: (context: ResourceProviderSampleContext) => JsonObject;
  /** What `read` with an empty id answers after a create whose id was never recorded. */
  adoption: ResourceProviderAdoption;
  /**
   * Looks at the real system without the provider: whether the resource with this id exists. Without
   * it, the suite can only believe the provider's own `read`.
   */
  exists?: (id: string, outputs: JsonObject) => Promise<boolean>;
  /**
   * Looks at the real system without the provider: whether anything these inputs would create is there.
   * Used after a failed create, whose resource has no id; required with `failingInputs`.
   */
  leftBehind?: (inputs: JsonObject) => Promise<boolean>;
  /**
   * Tests whose premise does not hold for this type, by exact name, each with the reason (a resource that
   * exists only in the state cannot be gone from anywhere). The reason is shown in the skipped test's
   * title, so a disabled test is never silent.
   */
  disabledTests?: Partial<Record<ResourceProviderTestName, string>>;
  /** The timeout of each test, in milliseconds (default 30,000), for providers that talk to slow systems. */
  timeoutMilliseconds?: number;
}
