import type { PendingOperation, ResourceState } from './resource-state';

/**
 * Checks what a state file holds against the shapes the engine writes, before any of it is used: a
 * record with a field missing or of the wrong kind (an editor's slip, a half-finished copy, another
 * tool's file) would otherwise crash the engine far from the file, or, worse, be skipped and its
 * resource forgotten. Each check returns the first problem as `<where>: <what>` (`resources[3].id: must
 * be a string`), or undefined when the record is sound.
 */
export function stackStateDataProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'must be a JSON object';
  return (
    field(value, 'stack', isString, 'a string') ??
    field(value, 'nextIntent', isCount, 'a whole number') ??
    list(value, 'resources', resourceProblem) ??
    list(value, 'obsolete', resourceProblem) ??
    list(value, 'pending', pendingProblem)
  );
}

/** The first problem of a recorded change (see {@link stackStateDataProblem}). */
export function stateChangeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'must be a JSON object';
  const kind = value.kind;
  switch (kind) {
    case 'intent':
      return nested(value, 'operation', pendingProblem);
    case 'created':
    case 'updated':
      return (
        optional(value, 'intent', isCount, 'a whole number') ?? nested(value, 'resource', resourceProblem)
      );
    case 'refreshed':
      return nested(value, 'resource', resourceProblem);
    case 'deleted':
      return (
        optional(value, 'intent', isCount, 'a whole number') ??
        field(value, 'name', isString, 'a string') ??
        field(value, 'id', isString, 'a string')
      );
    case 'settled':
      return field(value, 'intent', isCount, 'a whole number');
    case 'forgotten':
      return field(value, 'name', isString, 'a string');
    default:
      return `kind: must be one of intent, created, updated, refreshed, deleted, settled, forgotten, not ${JSON.stringify(kind)}`;
  }
}

function resourceProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'must be a JSON object';
  const resource = value as Partial<Record<keyof ResourceState, unknown>> & Record<string, unknown>;
  return (
    field(resource, 'name', isString, 'a string') ??
    field(resource, 'type', isString, 'a string') ??
    field(resource, 'urn', isString, 'a string') ??
    field(resource, 'id', isString, 'a string') ??
    field(resource, 'inputs', isObject, 'a JSON object') ??
    field(resource, 'outputs', isObject, 'a JSON object') ??
    field(resource, 'dependencies', isStringList, 'a list of names') ??
    optional(resource, 'secretInputs', isStringList, 'a list of property names') ??
    optional(resource, 'secretOutputs', isStringList, 'a list of property names') ??
    field(resource, 'createdAt', isString, 'a time') ??
    field(resource, 'updatedAt', isString, 'a time')
  );
}

function pendingProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'must be a JSON object';
  const operation = value as Partial<Record<keyof PendingOperation, unknown>> & Record<string, unknown>;
  if (!['create', 'update', 'delete'].includes(operation.operation as string))
    return `operation: must be create, update or delete, not ${JSON.stringify(operation.operation)}`;
  return (
    field(operation, 'intent', isCount, 'a whole number') ??
    field(operation, 'name', isString, 'a string') ??
    field(operation, 'type', isString, 'a string') ??
    field(operation, 'urn', isString, 'a string') ??
    optional(operation, 'id', isString, 'a string') ??
    optional(operation, 'inputs', isObject, 'a JSON object') ??
    optional(operation, 'secretInputs', isStringList, 'a list of property names') ??
    optional(operation, 'dependencies', isStringList, 'a list of names') ??
    optional(operation, 'replacing', (entry) => typeof entry === 'boolean', 'true or false') ??
    field(operation, 'startedAt', isString, 'a time')
  );
}

function field(
  record: Record<string, unknown>,
  name: string,
  test: (value: unknown) => boolean,
  what: string,
): string | undefined {
  if (!(name in record)) return `${name}: is missing`;
  return test(record[name]) ? undefined : `${name}: must be ${what}, not ${describe(record[name])}`;
}

function optional(
  record: Record<string, unknown>,
  name: string,
  test: (value: unknown) => boolean,
  what: string,
): string | undefined {
  return record[name] === undefined ? undefined : field(record, name, test, what);
}

function nested(
  record: Record<string, unknown>,
  name: string,
  problem: (value: unknown) => string | undefined,
): string | undefined {
  if (!(name in record)) return `${name}: is missing`;
  const found = problem(record[name]);
  return found === undefined ? undefined : `${name}.${found}`;
}

function list(
  record: Record<string, unknown>,
  name: string,
  problem: (value: unknown) => string | undefined,
): string | undefined {
  const entries = record[name];
  if (!Array.isArray(entries)) return `${name}: must be a list, not ${describe(entries)}`;
  for (let index = 0; index < entries.length; index += 1) {
    const found = problem(entries[index]);
    if (found !== undefined) return `${name}[${index}].${found}`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): boolean {
  return typeof value === 'string';
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every(isString);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}
