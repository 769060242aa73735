import type { PendingOperation, ResourceState } from './resource-state';
import type { StateChange } from './state-change';

/** A stack's state as plain data: what a snapshot file holds. */
export interface StackStateData {
  /** The stack's name. */
  stack: string;
  /** The next free intent number. */
  nextIntent: number;
  /** Recorded resources, one per name. */
  resources: ResourceState[];
  /** Replaced resources that still exist and wait to be deleted. */
  obsolete: ResourceState[];
  /** Announced operations whose end is not recorded. */
  pending: PendingOperation[];
}

/**
 * The recorded state of one stack, in memory: the resources that exist (by name), replaced ones still
 * waiting to be deleted, and operations announced but not finished. Changes are applied in the order
 * they were recorded; records are never mutated, only replaced.
 */
export class StackState {
  /** The stack's name. */
  readonly name: string;
  /** Recorded resources by name. */
  readonly resources = new Map<string, ResourceState>();
  /** Replaced resources that still exist and must be deleted. */
  obsolete: ResourceState[] = [];
  /** Announced operations by intent number. */
  readonly pending = new Map<number, PendingOperation>();
  /** The next free intent number. */
  nextIntent = 1;

  constructor(name: string) {
    this.name = name;
  }

  /** A state built from plain data (a snapshot). */
  static fromData(data: StackStateData): StackState {
    const state = new StackState(data.stack);
    for (const resource of data.resources) state.resources.set(resource.name, resource);
    state.obsolete = [...data.obsolete];
    for (const operation of data.pending) state.pending.set(operation.intent, operation);
    state.nextIntent = data.nextIntent;
    return state;
  }

  /** The state as plain data, for a snapshot. */
  toData(): StackStateData {
    return {
      stack: this.name,
      nextIntent: this.nextIntent,
      resources: [...this.resources.values()],
      obsolete: [...this.obsolete],
      pending: [...this.pending.values()],
    };
  }

  /** An independent copy (records are shared: they are never mutated). */
  clone(): StackState {
    return StackState.fromData(this.toData());
  }

  /** Every recorded resource that exists: current ones, then replaced ones waiting for deletion. */
  allResources(): ResourceState[] {
    return [...this.resources.values(), ...this.obsolete];
  }

  /** Applies one recorded change. */
  apply(change: StateChange): void {
    switch (change.kind) {
      case 'intent':
        this.pending.set(change.operation.intent, change.operation);
        this.nextIntent = Math.max(this.nextIntent, change.operation.intent + 1);
        return;
      case 'created': {
        const previous = this.resources.get(change.resource.name);
        if (previous && previous.id !== change.resource.id) this.obsolete.push(previous);
        this.resources.set(change.resource.name, change.resource);
        this.#settle(change.intent);
        return;
      }
      case 'updated':
      case 'refreshed': {
        const { resource } = change;
        const current = this.resources.get(resource.name);
        if (current === undefined || current.id === resource.id) this.resources.set(resource.name, resource);
        else
          this.obsolete = this.obsolete.map((old) =>
            old.name === resource.name && old.id === resource.id ? resource : old,
          );
        if (change.kind === 'updated') this.#settle(change.intent);
        return;
      }
      case 'deleted': {
        const current = this.resources.get(change.name);
        if (current?.id === change.id) this.resources.delete(change.name);
        else
          this.obsolete = this.obsolete.filter((old) => !(old.name === change.name && old.id === change.id));
        this.#settle(change.intent);
        return;
      }
      case 'settled':
        this.#settle(change.intent);
        return;
      case 'forgotten':
        this.resources.delete(change.name);
        this.obsolete = this.obsolete.filter((old) => old.name !== change.name);
        for (const [intent, operation] of this.pending)
          if (operation.name === change.name) this.pending.delete(intent);
        return;
    }
  }

  #settle(intent: number | undefined): void {
    if (intent !== undefined) this.pending.delete(intent);
  }
}
