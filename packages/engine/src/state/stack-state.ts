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
 * they were recorded; records are never mutated, only replaced. Applying a change costs the same
 * however many resources the stack has, so an apply grows linearly with the stack.
 */
export class StackState {
  /** The stack's name. */
  readonly name: string;
  /** Recorded resources by name. */
  readonly resources = new Map<string, ResourceState>();
  /** Replaced resources that still exist and must be deleted, by name and id (see {@link obsoleteKey}). */
  readonly #obsolete = new Map<string, ResourceState>();
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
    for (const resource of data.obsolete)
      state.#obsolete.set(obsoleteKey(resource.name, resource.id), resource);
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
      obsolete: this.obsolete,
      pending: [...this.pending.values()],
    };
  }

  /** An independent copy (records are shared: they are never mutated). */
  clone(): StackState {
    return StackState.fromData(this.toData());
  }

  /** Replaced resources that still exist and must be deleted, oldest first. */
  get obsolete(): ResourceState[] {
    return [...this.#obsolete.values()];
  }

  /** Every recorded resource that exists: current ones, then replaced ones waiting for deletion. */
  allResources(): ResourceState[] {
    return [...this.resources.values(), ...this.#obsolete.values()];
  }

  /** The recorded resource with this name and id, current or replaced; undefined when there is none. */
  find(name: string, id: string): ResourceState | undefined {
    const current = this.resources.get(name);
    return current?.id === id ? current : this.findReplaced(name, id);
  }

  /** The replaced resource with this name and id that waits to be deleted; undefined when there is none. */
  findReplaced(name: string, id: string): ResourceState | undefined {
    return this.#obsolete.get(obsoleteKey(name, id));
  }

  /** Whether anything is recorded under this name, current or replaced. */
  has(name: string): boolean {
    if (this.resources.has(name)) return true;
    for (const old of this.#obsolete.values()) if (old.name === name) return true;
    return false;
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
        if (previous && previous.id !== change.resource.id)
          this.#obsolete.set(obsoleteKey(previous.name, previous.id), previous);
        this.resources.set(change.resource.name, change.resource);
        this.#settle(change.intent);
        return;
      }
      case 'updated':
      case 'refreshed': {
        const { resource } = change;
        const current = this.resources.get(resource.name);
        if (current === undefined || current.id === resource.id) this.resources.set(resource.name, resource);
        else {
          const key = obsoleteKey(resource.name, resource.id);
          if (this.#obsolete.has(key)) this.#obsolete.set(key, resource);
        }
        if (change.kind === 'updated') this.#settle(change.intent);
        return;
      }
      case 'deleted': {
        const current = this.resources.get(change.name);
        if (current?.id === change.id) this.resources.delete(change.name);
        else this.#obsolete.delete(obsoleteKey(change.name, change.id));
        this.#settle(change.intent);
        return;
      }
      case 'settled':
        this.#settle(change.intent);
        return;
      case 'forgotten':
        this.resources.delete(change.name);
        for (const [key, old] of this.#obsolete) if (old.name === change.name) this.#obsolete.delete(key);
        for (const [intent, operation] of this.pending)
          if (operation.name === change.name) this.pending.delete(intent);
        return;
    }
  }

  #settle(intent: number | undefined): void {
    if (intent !== undefined) this.pending.delete(intent);
  }
}

/** The key of a replaced resource: a name can be recorded several times, each with another id. */
function obsoleteKey(name: string, id: string): string {
  return `${name}\u0000${id}`;
}
