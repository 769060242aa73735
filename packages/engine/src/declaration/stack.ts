import type { JsonObject, ResourceProviderV1 } from '@icl/core';
import type { Inputs, InputValue } from './input';
import { Output } from './output';
import type { ResourceDeclaration } from './resource-declaration';

const brand = Symbol.for('icl.engine.stack');

/** Options of {@link Stack.resource}. */
export interface ResourceOptions {
  /** Resources that must exist before this one although no input references them. */
  dependsOn?: ReadonlyArray<Resource<JsonObject> | string>;
}

/** The outputs of a resource, each as an {@link Output} to use as another resource's input. */
export type OutputsOf<Outputs extends JsonObject> = {
  readonly [Key in keyof Outputs & string]-?: Output<Outputs[Key]>;
};

/** A declared resource: its name and its outputs, to reference from other resources. */
export class Resource<Outputs extends JsonObject = JsonObject> {
  /** The resource's name in its stack. */
  readonly name: string;
  /** The resource type (`icl:File`). */
  readonly type: string;
  /** Every output by name: `bucket.outputs.arn`. */
  readonly outputs: OutputsOf<Outputs>;

  constructor(name: string, type: string) {
    this.name = name;
    this.type = type;
    this.outputs = new Proxy({} as OutputsOf<Outputs>, {
      get: (_target, property) => (typeof property === 'string' ? Output.of(name, property) : undefined),
    });
  }

  /** One output: `bucket.output('arn')`, the same as `bucket.outputs.arn`. */
  output<Key extends keyof Outputs & string>(name: Key): Output<Outputs[Key]> {
    return Output.of<Outputs[Key]>(this.name, name);
  }
}

/**
 * A stack: a named set of resources, the unit that is planned, applied, locked and destroyed together.
 *
 * ```ts
 * import { createStack, directory, file, interpolate } from '@icl/engine';
 *
 * const stack = createStack('demo');
 * const workspace = stack.resource('workspace', directory, { path: 'build' });
 * stack.resource('config', file, {
 *   path: interpolate`${workspace.outputs.path}/config.json`,
 *   content: '{"epochs": 3}',
 * });
 * export default stack;
 * ```
 *
 * Declaring checks nothing yet; the engine validates the whole stack at once (missing references,
 * cycles, wrong input types) before it changes anything, and reports every problem together.
 */
export class Stack {
  protected readonly [brand] = true;
  /** The stack's name: where its state lives and what locks and commands name. */
  readonly name: string;
  /** The stack file it came from, when it came from one. */
  readonly source: string | undefined;
  readonly #resources: ResourceDeclaration[] = [];

  constructor(name: string, source?: string) {
    this.name = name;
    this.source = source;
  }

  /** Whether `value` is a {@link Stack}, from this or any other installed copy of `@icl/engine`. */
  static isInstance(value: unknown): value is Stack {
    return value != null && typeof value === 'object' && (value as Record<symbol, unknown>)[brand] === true;
  }

  /** The declared resources, in declaration order. */
  get resources(): readonly ResourceDeclaration[] {
    return this.#resources;
  }

  /**
   * Declares a resource of the type `provider` implements, with typed inputs; returns it so other
   * resources can reference its outputs.
   */
  resource<ResourceInputs extends JsonObject, ResourceOutputs extends JsonObject>(
    name: string,
    provider: ResourceProviderV1<ResourceInputs, ResourceOutputs>,
    inputs: Inputs<ResourceInputs>,
    options: ResourceOptions = {},
  ): Resource<ResourceOutputs> {
    this.add({
      name,
      type: provider.type,
      provider: provider as unknown as ResourceProviderV1,
      inputs: inputs as unknown as Record<string, InputValue>,
      dependsOn: (options.dependsOn ?? []).map((dependency) =>
        typeof dependency === 'string' ? dependency : dependency.name,
      ),
    });
    return new Resource<ResourceOutputs>(name, provider.type);
  }

  /** Adds a declaration as it is; stack files are loaded through this. */
  add(declaration: ResourceDeclaration): void {
    this.#resources.push(declaration);
  }
}

/** A new, empty stack named `name` (letters, digits, `.`, `_` and `-`). */
export function createStack(name: string): Stack {
  return new Stack(name);
}
