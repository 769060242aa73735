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
   * The input properties this type accepts, by name. With it the engine rejects an unknown or missing
   * input, a value of the wrong type and a reference to an output of the wrong type before anything
   * changes, naming the resource and the field; and a property marked `replaceOnChange` makes the
   * engine plan a replacement when it changes (without `diff`). Without it, inputs are not checked.
   */
  readonly inputProperties?: Readonly<Record<string, ResourcePropertyV1>>;
  /**
   * The output properties a created resource has, by name. With it a reference to an output that does
   * not exist (`${bucket.nmae}`) is reported before anything changes; without it any name is accepted.
   */
  readonly outputProperties?: Readonly<Record<string, ResourcePropertyV1>>;

  /**
   * Validates and normalises desired inputs before planning; fills defaults. Returns every problem at
   * once, each with the property path, so users fix them in one go.
   */
  check?(news: JsonObject, olds?: Inputs): Promise<CheckResultV1<Inputs>>;

  /**
   * Compares recorded outputs with new inputs. Without `diff`, the engine compares each input with
   * the recorded output of the same name (so a change made outside ICL shows), or else with the
   * recorded input, and treats a change as a replacement when the property is `replaceOnChange` or the
   * type has no `update`, and as an in-place update otherwise.
   */
  diff?(id: string, olds: Outputs, news: Inputs): Promise<DiffResultV1>;

  /**
   * What a plan should point out to whoever is about to apply these inputs, beyond the changes
   * themselves: a file written outside the stack's directory, a deletion that cannot be undone. Called
   * with the inputs as far as they are known when planning (a value that comes from another resource's
   * output is absent until it exists). One sentence each.
   */
  notices?(inputs: Partial<Inputs>): readonly string[];

  /** Creates the resource. `urn` is the engine's stable name for it, to tag or name the real resource. */
  create(inputs: Inputs, context: ResourceOperationContextV1): Promise<{ id: string; outputs: Outputs }>;

  /**
   * Reads the real state of a resource, for refresh, drift detection and import. Returns `undefined`
   * when it no longer exists.
   *
   * After a crash, the engine may hold a recorded intent to create a resource but not its id. It then
   * calls `read` with an empty `id`, the inputs it passed to `create` and the same `context.urn`: a
   * provider whose creation is findable (a deterministic name, a tag with the urn) returns the resource
   * so the engine adopts it instead of creating a second one, or `undefined` when nothing was made. A
   * provider that cannot tell throws, and the engine stops and asks the user.
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
  /**
   * The outputs the engine recorded for this resource, given to `read` during a refresh, so a provider
   * that cannot observe some property (the output of a script that ran once) returns it unchanged
   * instead of reporting it as drift.
   */
  recordedOutputs?: JsonObject;
}

/**
 * The declared shape of one input or output property of a resource type: what the engine checks
 * declared stacks against before it changes anything, and how it plans a change of the property.
 */
export interface ResourcePropertyV1 {
  /** The JSON type of the value; `any` accepts every JSON value. */
  readonly type: 'string' | 'number' | 'boolean' | 'object' | 'array' | 'any';
  /** Inputs only: the stack must set it. */
  readonly required?: boolean;
  /**
   * Inputs only: a change cannot be made in place, so the engine replaces the resource (a file's
   * path, a cluster's region). Used when the provider has no `diff`.
   */
  readonly replaceOnChange?: boolean;
  /**
   * The value is a secret (a password input, a token output): the engine encrypts it in state, or
   * leaves it out, and never prints it in plans. Outputs may also be named in `secretOutputs`.
   */
  readonly secret?: boolean;
  /** One line for people reading a plan or an error about it. */
  readonly description?: string;
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
