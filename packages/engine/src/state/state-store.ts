import type { LockHolder } from './lock-holder';
import type { StateRestoreReport } from './restore-stack-state';
import type { StackState } from './stack-state';
import type { StateChange } from './state-change';

/** One stack as a state store lists it. */
export interface StackSummary {
  /** The stack's name. */
  name: string;
  /** How many resources its state records. */
  resources: number;
  /** When its state last changed, ISO 8601, when known. */
  updatedAt?: string;
  /** Who holds its lock, when it is locked. */
  lock?: LockHolder;
}

/**
 * Where stacks' states live. The engine only talks to this interface, so a remote store (an object
 * store with a lock table, a database) can be added without touching the engine: it must keep changes
 * in the order they were recorded, make each durable before `record` resolves, and let one session at
 * a time hold a stack.
 */
export interface StateStore {
  /** Where the state lives, for messages (`/home/me/.local/state/icl/stacks`). */
  readonly location: string;
  /** Every stack with recorded state. */
  listStacks(): Promise<StackSummary[]>;
  /**
   * A stack's current state without locking it (plans, listings). An empty state when the stack has
   * never been applied.
   */
  read(stack: string): Promise<StackState>;
  /**
   * Locks a stack for `command` and opens its state for changes.
   *
   * @throws StackLockedError at once when another process holds the stack.
   */
  open(stack: string, command: string): Promise<StateSession>;
  /** Who holds a stack's lock, if anyone. */
  lockHolder(stack: string): Promise<LockHolder | undefined>;
  /** Removes a stack's lock whoever holds it; returns who held it. */
  unlock(stack: string): Promise<LockHolder | undefined>;
  /**
   * Rebuilds a damaged stack's state from the previous generation the store keeps (`icl state
   * restore`), under the stack's lock, keeping the files it replaces; says how far it got.
   *
   * @throws StackLockedError when another process holds the stack; StateUnreadableError without a backup.
   */
  restore(stack: string): Promise<StateRestoreReport>;
}

/** A locked stack whose state can be changed. */
export interface StateSession {
  /** The current state; every recorded change is applied to it at once. */
  readonly state: StackState;
  /** The holder of a stale lock (of a process that died) that this session took over. */
  readonly staleLockHolder: LockHolder | undefined;
  /**
   * What opening the state repaired, for the user: a last record a crash cut short (never acknowledged
   * as recorded), removed. Anything else damaged is refused, never repaired.
   */
  readonly repaired?: string;
  /**
   * Applies a change to {@link state} at once, and resolves when it is durable. Changes are stored in
   * the order they are recorded, so a later change that is durable implies every earlier one is.
   */
  record(change: StateChange): Promise<void>;
  /** Waits until everything recorded is durable, then unlocks the stack. */
  close(): Promise<void>;
}
