import type { PendingOperation, ResourceState } from './resource-state';

/**
 * One step recorded in a stack's state. A state store appends these durably, in order; replaying them
 * over the last snapshot gives the current state. They are small, so recording a step never rewrites
 * the whole state.
 */
export type StateChange =
  /** An operation is about to start (written before the provider is called). */
  | { readonly kind: 'intent'; readonly operation: PendingOperation }
  /**
   * A resource now exists and is recorded: created, adopted after an interrupted create, or imported.
   * A recorded resource of the same name with another id (the one being replaced) is kept aside until
   * it is deleted.
   */
  | { readonly kind: 'created'; readonly intent?: number; readonly resource: ResourceState }
  /** A recorded resource was updated in place. */
  | { readonly kind: 'updated'; readonly intent?: number; readonly resource: ResourceState }
  /** A recorded resource was read again and its outputs differ from the record (drift). */
  | { readonly kind: 'refreshed'; readonly resource: ResourceState }
  /** A resource no longer exists: deleted, or found gone. */
  | { readonly kind: 'deleted'; readonly intent?: number; readonly name: string; readonly id: string }
  /** An announced operation ended without changing what exists (it failed, or nothing had been made). */
  | { readonly kind: 'settled'; readonly intent: number }
  /** The user told ICL to stop managing a resource (`icl state rm`); the real one is left alone. */
  | { readonly kind: 'forgotten'; readonly name: string };
