import type { ResourcePropertyV1, ResourceProviderV1 } from '@icl/core';
import { closestName } from '@icl/core';
import type { InputValue } from '../declaration/input';
import { Output } from '../declaration/output';
import type { ResourceDeclaration } from '../declaration/resource-declaration';
import type { Stack } from '../declaration/stack';
import { stackNamePattern } from '../declaration/stack-name-pattern';
import type { StackProblem } from '../errors/stack-validation-error';
import { StackValidationError } from '../errors/stack-validation-error';
import type { ValidatedResource, ValidatedStack } from './validated-stack';

/** The pattern of resource names: references write them before a dot (`${name.output}`). */
export const resourceNamePattern = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Checks a whole declared stack before anything is planned or changed, and orders its resources so
 * every dependency comes first. Every problem is collected, then all are raised together:
 * invalid or repeated names, unknown types, references to missing resources or outputs, unknown,
 * missing or wrongly typed inputs (where the type declares its properties), and dependency cycles,
 * each naming the resource and field, and the file position for stack files.
 *
 * @param providers Providers by type, for types the stack does not bring providers for.
 * @throws StackValidationError with every problem.
 */
export function validateStack(
  stack: Stack,
  providers: ReadonlyMap<string, ResourceProviderV1>,
): ValidatedStack {
  const problems: StackProblem[] = [];
  if (!stackNamePattern.test(stack.name))
    problems.push({
      field: 'name',
      message: `invalid stack name "${stack.name}": use letters, digits, ".", "_" and "-", starting with a letter or digit`,
    });

  const allProviders = new Map(providers);
  for (const declaration of stack.resources)
    if (declaration.provider) allProviders.set(declaration.type, declaration.provider);

  const declarations = new Map<string, ResourceDeclaration>();
  for (const declaration of stack.resources) {
    const at = (field: string, path: readonly (string | number)[]) => ({
      resource: declaration.name,
      field,
      ...locationOf(declaration, path),
    });
    if (!resourceNamePattern.test(declaration.name))
      problems.push({
        ...at('name', []),
        message: 'invalid resource name: use letters, digits, "_" and "-", starting with a letter or "_"',
      });
    if (declarations.has(declaration.name)) {
      problems.push({
        ...at('name', []),
        message: 'declared twice; resource names must be unique in a stack',
      });
      continue;
    }
    declarations.set(declaration.name, declaration);
    if (!allProviders.has(declaration.type)) {
      const suggestion = closestName(declaration.type, allProviders.keys());
      problems.push({
        ...at('type', ['type']),
        message: `unknown resource type "${declaration.type}"${alternatives(suggestion, 'known types', [...allProviders.keys()].sort())}`,
      });
    }
  }

  const dependencies = new Map<string, string[]>();
  const withReferences = new Set<string>();
  for (const declaration of declarations.values()) {
    const provider = allProviders.get(declaration.type);
    const needs = new Set<string>();
    const at = (field: string, path: readonly (string | number)[]) => ({
      resource: declaration.name,
      field,
      ...locationOf(declaration, path),
    });

    const usedOutputs = findOutputs(declaration.inputs);
    if (usedOutputs.length > 0) withReferences.add(declaration.name);
    for (const { path, output } of usedOutputs) {
      const field = `inputs.${path.join('.')}`;
      for (const reference of output.references) {
        const target = declarations.get(reference.resource);
        if (!target) {
          const suggestion = closestName(reference.resource, declarations.keys());
          problems.push({
            ...at(field, ['inputs', ...path]),
            message: `references missing resource "${reference.resource}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          });
          continue;
        }
        needs.add(reference.resource);
        const outputs = allProviders.get(target.type)?.outputProperties;
        if (outputs && !Object.hasOwn(outputs, reference.output)) {
          const suggestion = closestName(reference.output, Object.keys(outputs));
          problems.push({
            ...at(field, ['inputs', ...path]),
            message: `references output "${reference.output}" of "${reference.resource}", which type ${target.type} does not have${alternatives(suggestion, 'its outputs', Object.keys(outputs))}`,
          });
        }
      }
    }
    declaration.dependsOn.forEach((name, index) => {
      if (declarations.has(name)) needs.add(name);
      else
        problems.push({
          ...at('dependsOn', ['dependsOn', index]),
          message: `depends on missing resource "${name}"`,
        });
    });
    dependencies.set(declaration.name, [...needs]);

    if (provider?.inputProperties)
      problems.push(...checkInputTypes(declaration, provider.inputProperties, declarations, allProviders));
  }

  const order = orderByDependencies([...declarations.keys()], dependencies);
  for (const cycle of order.cycles) {
    const first = declarations.get(cycle[0] ?? '');
    problems.push({
      ...(first && { resource: first.name, ...locationOf(first, ['inputs']) }),
      message: `dependency cycle: ${[...cycle, cycle[0]].join(' → ')} (a resource cannot need itself, directly or through others)`,
    });
  }

  if (problems.length > 0) throw new StackValidationError(stack.name, problems);

  const resources: ValidatedResource[] = order.sorted.map((name) => {
    const declaration = declarations.get(name)!;
    return {
      declaration,
      provider: allProviders.get(declaration.type)!,
      urn: `${stack.name}::${declaration.type}::${name}`,
      dependencies: dependencies.get(name) ?? [],
      hasReferences: withReferences.has(name),
    };
  });
  return {
    name: stack.name,
    resources,
    byName: new Map(resources.map((resource) => [resource.declaration.name, resource])),
    providers: allProviders,
  };
}

/** Every output used in inputs, with the input path it sits at. */
export function findOutputs(
  inputs: Readonly<Record<string, InputValue>>,
): Array<{ path: Array<string | number>; output: Output<unknown> }> {
  const found: Array<{ path: Array<string | number>; output: Output<unknown> }> = [];
  const walk = (value: InputValue, path: Array<string | number>) => {
    if (value === null || typeof value !== 'object') return;
    if (Output.isInstance(value)) found.push({ path, output: value });
    else if (Array.isArray(value))
      value.forEach((item, index) => {
        walk(item, [...path, index]);
      });
    else for (const key in value) walk(value[key] as InputValue, [...path, key]);
  };
  for (const key in inputs) {
    const value = inputs[key] as InputValue;
    if (value !== null && typeof value === 'object') walk(value, [key]);
  }
  return found;
}

function checkInputTypes(
  declaration: ResourceDeclaration,
  properties: Readonly<Record<string, ResourcePropertyV1>>,
  declarations: ReadonlyMap<string, ResourceDeclaration>,
  providers: ReadonlyMap<string, ResourceProviderV1>,
): StackProblem[] {
  const problems: StackProblem[] = [];
  const at = (field: string, path: readonly (string | number)[]) => ({
    resource: declaration.name,
    field,
    ...locationOf(declaration, path),
  });
  for (const [name, value] of Object.entries(declaration.inputs)) {
    const property = properties[name];
    if (!property) {
      const suggestion = closestName(name, Object.keys(properties));
      problems.push({
        ...at(`inputs.${name}`, ['inputs', name]),
        message: `unknown input for type ${declaration.type}${alternatives(suggestion, 'its inputs', Object.keys(properties))}`,
      });
      continue;
    }
    const actual = typeOfInput(value, declarations, providers);
    if (actual !== undefined && property.type !== 'any' && actual !== property.type)
      problems.push({
        ...at(`inputs.${name}`, ['inputs', name]),
        message: `expected a ${property.type}, got ${Output.isInstance(value) ? `an output of type ${actual} (${value.toString()})` : article(actual)}`,
      });
  }
  for (const name of requiredInputsOf(properties))
    if (!Object.hasOwn(declaration.inputs, name))
      problems.push({
        ...at(`inputs.${name}`, ['inputs']),
        message: `missing required input (a ${properties[name]?.type}) for type ${declaration.type}`,
      });
  return problems;
}

const requiredInputs = new WeakMap<object, readonly string[]>();

/** The names of the required inputs of a type, worked out once per type. */
function requiredInputsOf(properties: Readonly<Record<string, ResourcePropertyV1>>): readonly string[] {
  let names = requiredInputs.get(properties);
  if (!names) {
    names = Object.keys(properties).filter((name) => properties[name]?.required);
    requiredInputs.set(properties, names);
  }
  return names;
}

/** The JSON type of an input value; for an output, its declared type, when known. */
function typeOfInput(
  value: InputValue,
  declarations: ReadonlyMap<string, ResourceDeclaration>,
  providers: ReadonlyMap<string, ResourceProviderV1>,
): string | undefined {
  if (Output.isInstance(value)) {
    if (!value.isWhole) return 'string';
    const [reference] = value.references;
    if (!reference || reference.path.length > 0) return undefined;
    const target = declarations.get(reference.resource);
    const type = target && providers.get(target.type)?.outputProperties?.[reference.output]?.type;
    return type === 'any' ? undefined : type;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** ` (did you mean "x"? known types: a, b)`: the likely intent, then every valid choice. */
function alternatives(suggestion: string | undefined, label: string, names: readonly string[]): string {
  const guess = suggestion ? `did you mean "${suggestion}"? ` : '';
  return ` (${guess}${label}: ${names.join(', ') || 'none'})`;
}

function article(type: string): string {
  return type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function locationOf(declaration: ResourceDeclaration, path: readonly (string | number)[]) {
  const location = declaration.locate?.(path);
  return location ? { location } : {};
}

/**
 * Orders names so each comes after everything it needs (Kahn's algorithm, linear in resources and
 * references), keeping declaration order among independent ones; names left over sit on or behind a
 * cycle, and each cycle is reported once.
 */
function orderByDependencies(
  names: readonly string[],
  dependencies: ReadonlyMap<string, readonly string[]>,
): { sorted: string[]; cycles: string[][] } {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const name of names) {
    const needs = dependencies.get(name) ?? [];
    remaining.set(name, needs.length);
    for (const need of needs) {
      const list = dependents.get(need);
      if (list) list.push(name);
      else dependents.set(need, [name]);
    }
  }
  const sorted: string[] = [];
  const ready = names.filter((name) => remaining.get(name) === 0);
  for (let index = 0; index < ready.length; index += 1) {
    const name = ready[index]!;
    sorted.push(name);
    for (const dependent of dependents.get(name) ?? []) {
      const left = (remaining.get(dependent) ?? 0) - 1;
      remaining.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  const cycles: string[][] = [];
  if (sorted.length === names.length) return { sorted, cycles };
  const blocked = new Set(names.filter((name) => (remaining.get(name) ?? 0) > 0));
  const finished = new Set<string>();
  for (const start of blocked) {
    if (finished.has(start)) continue;
    const path: string[] = [];
    const positions = new Map<string, number>();
    let current: string | undefined = start;
    while (current !== undefined && !finished.has(current)) {
      const seenAt = positions.get(current);
      if (seenAt !== undefined) {
        cycles.push(path.slice(seenAt));
        break;
      }
      positions.set(current, path.length);
      path.push(current);
      current = (dependencies.get(current) ?? []).find((need) => blocked.has(need));
    }
    for (const name of path) finished.add(name);
  }
  return { sorted, cycles };
}
