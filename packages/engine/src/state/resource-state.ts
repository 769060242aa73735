import type { JsonObject } from '@icl/core';

/**
 * What the state records about one real resource: enough to plan against it, to pass its outputs to
 * dependents, and to delete it, without asking its provider.
 */
export interface ResourceState {
  /** The resource's name in the stack. */
  readonly name: string;
  /** Its type (`icl:File`). */
  readonly type: string;
  /** The engine's stable identifier, `stack::type::name`, given to providers. */
  readonly urn: string;
  /** The provider's id of the real resource. */
  readonly id: string;
  /** The inputs it was last created or updated with, references resolved. */
  readonly inputs: JsonObject;
  /** Its outputs, as last created, updated or refreshed. */
  readonly outputs: JsonObject;
  /** The resources it depended on when last applied: it is deleted before them. */
  readonly dependencies: readonly string[];
  /** Input properties holding secrets: encrypted at rest, never printed. */
  readonly secretInputs?: readonly string[];
  /** Output properties holding secrets: encrypted at rest, never printed. */
  readonly secretOutputs?: readonly string[];
  /** When it was created or adopted, ISO 8601. */
  readonly createdAt: string;
  /** When it was last created, updated or refreshed with changes, ISO 8601. */
  readonly updatedAt: string;
}

/**
 * An operation the engine announced before calling the provider (write-ahead), and whose end is not
 * recorded yet. After a crash, the next run resolves it with the provider's `read` before planning:
 * that is how a create interrupted at any point is neither repeated nor forgotten.
 */
export interface PendingOperation {
  /** The sequence number of the announcement, unique in the stack. */
  readonly intent: number;
  /** What was about to happen. */
  readonly operation: 'create' | 'update' | 'delete';
  /** The resource's name. */
  readonly name: string;
  /** Its type. */
  readonly type: string;
  /** Its urn, as given to the provider. */
  readonly urn: string;
  /** The id of the real resource, for updates and deletes. */
  readonly id?: string;
  /** The inputs given to the provider, for creates and updates. */
  readonly inputs?: JsonObject;
  /** Input properties holding secrets. */
  readonly secretInputs?: readonly string[];
  /** The resources it depends on, for creates. */
  readonly dependencies?: readonly string[];
  /** A create that replaces a recorded resource of the same name, which stays until deleted. */
  readonly replacing?: boolean;
  /** When it was announced, ISO 8601. */
  readonly startedAt: string;
}
