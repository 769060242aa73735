import type { JsonObject } from './json-value';

/**
 * Version 1 of the contract for one provisionable resource type (a kind cluster, an EKS node group, a
 * MAAS machine, a VM, a marketplace lease), driven by the plan/apply engine.
 *
 * The engine owns ordering, state and retries; a provider only talks to the real system. The contract
 * is transactional so that state always matches reality after any failure or crash:
 *
 * - `create` either leaves a resource that exists and returns its id, or leaves nothing behind. A
 *   provider that cannot guarantee that must make creation findable (a deterministic name or a tag with
 *   the engine's `urn`), so `read` can adopt a resource whose creation was interrupted.
 * - `delete` is idempotent: deleting something already gone succeeds. If it throws, the engine assumes
 *   the resource still exists.
 * - `update` either applies all changes or none; if it throws, the engine refreshes with `read`.
 * - `read` returns `undefined` when the resource is gone, which the engine reports as drift.
 *
 * `Inputs` and `Outputs` are plain JSON: they are stored in the state file. Output names listed in
 * `secretOutputs` are encrypted or left out of state.
 */
export interface ResourceProviderV1<
  Inputs extends JsonObject = JsonObject,
  Outputs extends JsonObject = JsonObject,
> {
  /** The contract version. */
  readonly specificationVersion: 'v1';
  /** The type name (`kind:Cluster`, `eks:NodeGroup`). */
  readonly type: string;
  /** Output property names that hold secrets (tokens, kubeconfigs with credentials). */
  readonly secretOutputs?: readonly string[];
  /**
   * How this type is replaced when a replacing change is needed: create the new one first (no
   * downtime, the default) or delete the old one first (names that must be unique, scarce capacity).
   */
  readonly deleteBeforeReplace?: boolean;

  /**
   * Validates and normalises desired inputs before planning; fills defaults. Returns every problem at
   * once, each with the property path, so users fix them in one go.
   */
  check?(news: JsonObject, olds?: Inputs): Promise<CheckResultV1<Inputs>>;

  /**
   * Compares recorded outputs with new inputs. Without `diff`, the engine compares inputs field by
   * field and treats every change as an in-place update if `update` exists, else as a replacement.
   */
  diff?(id: string, olds: Outputs, news: Inputs): Promise<DiffResultV1>;

  /** Creates the resource. `urn` is the engine's stable name for it, to tag or name the real resource. */
  create(inputs: Inputs, context: ResourceOperationContextV1): Promise<{ id: string; outputs: Outputs }>;

  /**
   * Reads the real state of a resource, for refresh, drift detection and import. Returns `undefined`
   * when it no longer exists.
   */
  read?(
    id: string,
    inputs: Inputs | undefined,
    context: ResourceOperationContextV1,
  ): Promise<{ id: string; outputs: Outputs } | undefined>;

  /** Changes the resource in place. Only called for changes `diff` did not mark as replacing. */
  update?(
    id: string,
    olds: Outputs,
    news: Inputs,
    context: ResourceOperationContextV1,
  ): Promise<{ outputs: Outputs }>;

  /** Deletes the resource. Idempotent. */
  delete(id: string, outputs: Outputs, context: ResourceOperationContextV1): Promise<void>;
}

/** Context passed to every provider operation. */
export interface ResourceOperationContextV1 {
  /** The engine's stable identifier of the resource (`stack::type::name`). */
  urn: string;
  /** Aborted when the user interrupts; long operations should stop and leave a consistent state. */
  signal?: AbortSignal;
  /** Reports progress of long operations (`waiting for nodes: 2/3 ready`). */
  onProgress?: (message: string) => void;
}

/** The result of {@link ResourceProviderV1.check}. */
export interface CheckResultV1<Inputs extends JsonObject = JsonObject> {
  /** The normalised inputs, with defaults filled in. */
  inputs: Inputs;
  /** Every problem found, empty when the inputs are valid. */
  failures: CheckFailureV1[];
}

/** One invalid input. */
export interface CheckFailureV1 {
  /** The property path (`nodes[0].gpu`). */
  property: string;
  /** What is wrong and how to fix it. */
  reason: string;
}

/** The result of {@link ResourceProviderV1.diff}. */
export interface DiffResultV1 {
  /** Whether anything changes. */
  changes: boolean;
  /** Properties whose change requires replacing the resource. */
  replaces?: string[];
  /** Properties that change (in place or by replacement), for the plan display. */
  changedProperties?: string[];
  /** Override the type's `deleteBeforeReplace` for this change. */
  deleteBeforeReplace?: boolean;
}
