import type { LockHolder } from './state/lock-holder';

/** What an apply, destroy or refresh reports as it goes, for progress displays. */
export type EngineEvent =
  /** The stack's lock was left by a process that died; this run took it over. */
  | { readonly type: 'stale-lock-taken-over'; readonly stack: string; readonly holder: LockHolder }
  /** Opening the state repaired it: a last record a crash cut short was removed (`message` says where). */
  | { readonly type: 'state-repaired'; readonly stack: string; readonly message: string }
  /**
   * An operation an interrupted run left unfinished was resolved: a create whose resource exists was
   * `adopted`, one that made nothing is `nothing-made`; an update or delete is `checked`.
   */
  | {
      readonly type: 'interrupted-operation-resolved';
      readonly name: string;
      readonly operation: 'create' | 'update' | 'delete';
      readonly outcome: 'adopted' | 'nothing-made' | 'checked';
    }
  /** Recorded resources are being read again to find drift. */
  | { readonly type: 'refresh-started'; readonly resources: number }
  /** The refresh ended; `drifted` resources differ from their records. */
  | { readonly type: 'refresh-finished'; readonly drifted: number; readonly durationMs: number }
  /** An operation on a resource started. `replaced` marks the deletion of a replaced resource's old copy. */
  | {
      readonly type: 'resource-started';
      readonly name: string;
      readonly resourceType: string;
      readonly action: 'create' | 'update' | 'replace' | 'delete';
      readonly replaced?: boolean;
    }
  /** A provider's progress message for a long operation. */
  | { readonly type: 'resource-progress'; readonly name: string; readonly message: string }
  /**
   * An operation on a resource ended; its record is being written (an apply returns only once every
   * record is durable).
   */
  | {
      readonly type: 'resource-finished';
      readonly name: string;
      readonly resourceType: string;
      readonly action: 'create' | 'update' | 'replace' | 'delete' | 'no-op';
      readonly replaced?: boolean;
      readonly durationMs: number;
    }
  /** An operation on a resource failed; the state records what exists. */
  | {
      readonly type: 'resource-failed';
      readonly name: string;
      readonly resourceType: string;
      readonly action: 'create' | 'update' | 'replace' | 'delete';
      readonly replaced?: boolean;
      readonly durationMs: number;
      readonly message: string;
    };
