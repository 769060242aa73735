import type { JsonValue } from '@icl/core';

/** What a plan does to one resource. */
export type ResourceAction = 'create' | 'update' | 'replace' | 'delete' | 'no-op';

/** One property that differs, for plans and drift reports. */
export interface PropertyChange {
  /** The property path (`content`, `environment.TOKEN`). */
  path: string;
  /** The value before; absent when it was not set, or when secret. */
  before?: JsonValue;
  /** The value after; absent when not set, not known yet, or secret. */
  after?: JsonValue;
  /** The new value is known only once the resources it references have been applied. */
  afterUnknown?: boolean;
  /** A change of this property replaces the resource. */
  replaces?: boolean;
  /** The value is a secret, so `before` and `after` are left out. */
  secret?: boolean;
}

/** What a plan does to one resource, with the properties that change. */
export interface ResourceChange {
  /** The resource's name. */
  name: string;
  /** Its type. */
  type: string;
  /** `stack::type::name`. */
  urn: string;
  /** What happens. */
  action: ResourceAction;
  /** The recorded id, for resources that exist. */
  id?: string;
  /** For replacements: whether the new one is created before the old one is deleted. */
  replaceOrder?: 'create-before-delete' | 'delete-before-create';
  /** Why, when the properties do not say (`no longer declared`, `type changed from icl:File`). */
  reason?: string;
  /** Properties that change; for creates, every input. */
  properties: PropertyChange[];
  /** Resources this one needs first. */
  dependencies: string[];
  /** What the resource's type points out about this change (a file outside the stack's directory). */
  notices?: string[];
}

/** A recorded resource whose real state differs from the record: changed or deleted outside ICL. */
export interface ResourceDrift {
  /** The resource's name. */
  name: string;
  /** Its type. */
  type: string;
  /** Its id. */
  id: string;
  /** `changed`: some outputs differ; `deleted`: it no longer exists. */
  kind: 'changed' | 'deleted';
  /** The outputs that differ: `before` as recorded, `after` as found. */
  properties: PropertyChange[];
}

/** How many resources each action touches. */
export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  unchanged: number;
}

/** An operation an interrupted earlier run left unfinished; an apply resolves it before planning. */
export interface InterruptedOperation {
  /** The resource's name. */
  name: string;
  /** What was being done. */
  operation: 'create' | 'update' | 'delete';
  /** When it started, ISO 8601. */
  startedAt: string;
}

/**
 * What an apply would do: every resource's action with field-level changes, in the order they would be
 * applied (dependencies first, deletions last), and what a refresh found changed outside ICL. Secret
 * values never appear in it, so it can be printed or saved as JSON.
 */
export interface Plan {
  /** The stack's name. */
  stack: string;
  /** Every resource in scope, unchanged ones included. */
  changes: ResourceChange[];
  /** What the refresh found changed outside ICL (empty without a refresh). */
  drift: ResourceDrift[];
  /** Counts by action. */
  summary: PlanSummary;
  /** Operations left unfinished by an interrupted run, which an apply resolves first. */
  interrupted: InterruptedOperation[];
}

/** Whether a plan changes anything. */
export function planHasChanges(plan: Plan): boolean {
  const { create, update, replace, delete: deletes } = plan.summary;
  return create + update + replace + deletes > 0 || plan.interrupted.length > 0;
}
