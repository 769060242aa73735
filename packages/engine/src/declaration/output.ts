import type { JsonValue } from '@icl/core';

const brand = Symbol.for('icl.engine.output');

/**
 * One output of one resource, as a reference names it: `bucket.name`, or a property inside an output's
 * value, `cluster.endpoint.host` (`path` is then `['host']`).
 */
export interface OutputReference {
  /** The name of the resource in its stack. */
  readonly resource: string;
  /** The output property of that resource. */
  readonly output: string;
  /** Properties to follow inside the output's value, outermost first; empty for the whole value. */
  readonly path: readonly string[];
}

/**
 * A value that is known only once another resource exists: one of its outputs, or a string built from
 * outputs and text (`interpolate`). Using an output as an input is what makes one resource depend on
 * another, so the engine orders them and passes the real value along once it is there.
 *
 * `T` is the type of the value, so a `number` input cannot be given a string output in TypeScript.
 * Outputs are recognised across copies of `@icl/engine` (the CLI and a stack module may each have one).
 */
export class Output<T = JsonValue> {
  protected readonly [brand] = true;
  /** Never set; it carries `T` for the type checker. */
  declare readonly valueType?: T;
  /** Text and references, in order. A single reference keeps the output's own type; more make a string. */
  readonly segments: ReadonlyArray<string | OutputReference>;

  /** The references this value needs, in order. */
  readonly references: readonly OutputReference[];
  /** Whether the value is one output's value as it is, rather than a string built from parts. */
  readonly isWhole: boolean;

  constructor(segments: ReadonlyArray<string | OutputReference>) {
    this.segments = segments;
    this.references = segments.filter((segment): segment is OutputReference => typeof segment !== 'string');
    this.isWhole = segments.length === 1 && typeof segments[0] !== 'string';
  }

  /** An output of one resource, unchanged. */
  static of<T = JsonValue>(resource: string, output: string, path: readonly string[] = []): Output<T> {
    return new Output<T>([{ resource, output, path }]);
  }

  /** Whether `value` is an {@link Output}, from this or any other installed copy of `@icl/engine`. */
  static isInstance(value: unknown): value is Output<unknown> {
    return value != null && typeof value === 'object' && (value as Record<symbol, unknown>)[brand] === true;
  }

  /** The value as a stack file writes it: `${bucket.name}/data`. */
  toString(): string {
    return this.segments
      .map((segment) =>
        typeof segment === 'string'
          ? segment.replaceAll('${', '$${')
          : `\${${[segment.resource, segment.output, ...segment.path].join('.')}}`,
      )
      .join('');
  }
}
