import { InvalidArgumentError } from '@icl/core';

/** One step of a field path: a property name or an array index. */
export type FieldPathSegment = string | number;

/** Where the values being read came from. */
export interface FieldSource {
  /** A file path or a description (`request body`). */
  name: string;
  /** The `line:column` of a field, where the source can tell. */
  locate?: (path: readonly FieldPathSegment[]) => string | undefined;
}

/** Formats a field path the way a reader looks it up: `serverData.servers[3].currentAlloc.load`. */
export function formatFieldPath(path: readonly FieldPathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text || '(top level)';
}

/**
 * Reads a parsed JSON or YAML value field by field, keeping the path, so that any mistake is reported as
 * the exact field (`serverData.servers[3].currentAlloc.load.arrivalRate`), its file and, where known, line
 * and column. Property names match the way Go's JSON decoder (Inferno's) matches them: exactly, and
 * otherwise ignoring case; a null counts as absent.
 */
export class FieldReader {
  constructor(
    readonly value: unknown,
    readonly source: FieldSource,
    readonly path: readonly FieldPathSegment[] = [],
  ) {}

  /** Whether the value is present (neither absent nor null). */
  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /** The named property of this object (which must be an object). */
  field(name: string): FieldReader {
    const object = this.object();
    let value = object[name];
    if (value === undefined) {
      const lower = name.toLowerCase();
      const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
      if (key !== undefined) {
        value = object[key];
        return new FieldReader(value, this.source, [...this.path, key]);
      }
    }
    return new FieldReader(value, this.source, [...this.path, name]);
  }

  /** This value as an object of properties; an error unless it is one. */
  object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value))
      this.fail('must be an object');
    return this.value as Record<string, unknown>;
  }

  /** The elements of this array; an empty list when absent, an error when not an array. */
  items(options: { required?: boolean } = {}): FieldReader[] {
    if (!this.present) {
      if (options.required) this.fail('is missing; it must be a list');
      return [];
    }
    if (!Array.isArray(this.value)) this.fail('must be a list');
    return (this.value as unknown[]).map(
      (item, index) => new FieldReader(item, this.source, [...this.path, index]),
    );
  }

  /** This value as a string; `fallback` when absent, an error when required and absent or empty. */
  string(options: { required?: boolean; fallback?: string } = {}): string {
    if (!this.present) {
      if (options.required) this.fail('is missing');
      return options.fallback ?? '';
    }
    if (typeof this.value !== 'string') this.fail(`must be a string, not ${describe(this.value)}`);
    const text = this.value as string;
    if (options.required && text === '') this.fail('must not be empty');
    return text;
  }

  /** This value as a finite number within limits; `fallback` when absent, an error when required and absent. */
  number(
    options: {
      required?: boolean;
      fallback?: number;
      integer?: boolean;
      minimum?: number;
      exclusiveMinimum?: number;
      /** The largest sensible value: beyond it a value is a mistake that would only cost time. */
      maximum?: number;
    } = {},
  ): number {
    if (!this.present) {
      if (options.required) this.fail('is missing');
      return options.fallback ?? 0;
    }
    if (typeof this.value !== 'number' || !Number.isFinite(this.value))
      this.fail(`must be a number, not ${describe(this.value)}`);
    const number = this.value as number;
    if (options.integer && !Number.isInteger(number)) this.fail(`must be a whole number, not ${number}`);
    if (options.minimum !== undefined && number < options.minimum)
      this.fail(`must be at least ${options.minimum}, not ${number}`);
    if (options.exclusiveMinimum !== undefined && number <= options.exclusiveMinimum)
      this.fail(`must be more than ${options.exclusiveMinimum}, not ${number}`);
    if (options.maximum !== undefined && number > options.maximum)
      this.fail(`must be at most ${options.maximum}, not ${number}`);
    return number;
  }

  /** This value as a boolean; `fallback` (false) when absent. */
  boolean(options: { fallback?: boolean } = {}): boolean {
    if (!this.present) return options.fallback ?? false;
    if (typeof this.value !== 'boolean') this.fail(`must be true or false, not ${describe(this.value)}`);
    return this.value as boolean;
  }

  /** Raises the error for this field: `<file>[:line:column]: <path> <problem>.` */
  fail(problem: string, hint?: string): never {
    const field = formatFieldPath(this.path);
    const position = this.source.locate?.(this.path);
    const location = position ? `${this.source.name}:${position}` : this.source.name;
    throw new InvalidArgumentError({
      argument: field,
      location,
      message: `Invalid Inferno data in ${location}: ${field} ${problem}.`,
      hint:
        hint ?? 'Fix that field; the format is the one of Inferno’s sample data (accelerator-data.json, …).',
    });
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}
