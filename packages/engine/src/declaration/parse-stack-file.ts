import { basename } from 'node:path';
import type { JsonValue } from '@icl/core';
import { type StackProblem, StackValidationError } from '../errors/stack-validation-error';
import type { InputValue } from './input';
import { parseReferences } from './parse-references';
import type { SourceLocation } from './source-location';
import { Stack } from './stack';
import { type FieldPath, StackFileSource } from './stack-file-source';

const topLevelFields = ['name', 'description', 'resources'];
const resourceFields = ['type', 'description', 'inputs', 'dependsOn'];

/**
 * Reads a stack from the text of a stack file (YAML, or JSON, which is YAML too):
 *
 * ```yaml
 * name: demo
 * resources:
 *   workspace:
 *     type: icl:Directory
 *     inputs: { path: build }
 *   config:
 *     type: icl:File
 *     inputs:
 *       path: ${workspace.path}/config.json
 *       content: '{"epochs": 3}'
 *     dependsOn: [workspace]
 * ```
 *
 * Syntax errors and keys written twice name the line and column; every misplaced or mistyped field is
 * reported at once, with its line. Declarations keep a way to locate any field, so later validation can
 * point at lines. Reading takes time in proportion to the file's size (see {@link StackFileSource}), and
 * positions are worked out only when an error needs one.
 *
 * @param file The file's name as the user gave it, for messages.
 */
export function parseStackFile(text: string, file: string): Stack {
  const source = new StackFileSource(text, file);
  const data = source.read();
  const locate = (path: FieldPath): SourceLocation | undefined => source.locate(path);

  const problems: StackProblem[] = [];
  const fallbackName = basename(file).replace(/\.[^.]+$/, '');
  if (!isObject(data)) {
    throw new StackValidationError(fallbackName, [
      { message: 'a stack file holds a mapping with "name" and "resources"', ...at(locate, []) },
    ]);
  }
  for (const key of Object.keys(data))
    if (!topLevelFields.includes(key))
      problems.push({
        field: key,
        message: `unknown field; a stack file has ${topLevelFields.join(', ')}`,
        ...at(locate, [key]),
      });
  const name = typeof data.name === 'string' ? data.name : fallbackName;
  if (typeof data.name !== 'string')
    problems.push({
      field: 'name',
      message: 'give the stack a name (name: my-stack)',
      ...at(locate, ['name']),
    });
  const stack = new Stack(name, file);
  const resources = data.resources ?? {};
  if (!isObject(resources)) {
    problems.push({
      field: 'resources',
      message: 'expected a mapping of resource names to resources',
      ...at(locate, ['resources']),
    });
  } else {
    for (const [resourceName, body] of Object.entries(resources)) {
      const path = ['resources', resourceName];
      const locateField = (field: readonly (string | number)[]) => locate([...path, ...field]);
      const problem = (field: string, fieldPath: readonly (string | number)[], message: string) =>
        problems.push({ resource: resourceName, field, message, ...at(locateField, fieldPath) });
      if (!isObject(body)) {
        problem('type', [], 'expected a mapping with type and inputs');
        continue;
      }
      for (const key of Object.keys(body))
        if (!resourceFields.includes(key))
          problem(key, [key], `unknown field; a resource has ${resourceFields.join(', ')}`);
      if (typeof body.type !== 'string' || body.type === '')
        problem('type', ['type'], 'give the resource type (type: icl:File)');
      const inputs: Record<string, InputValue> = {};
      if (body.inputs !== undefined && body.inputs !== null && !isObject(body.inputs))
        problem('inputs', ['inputs'], 'expected a mapping of input names to values');
      else
        for (const [inputName, value] of Object.entries(body.inputs ?? {}))
          inputs[inputName] = convert(value as JsonValue, ['inputs', inputName], (fieldPath, message) =>
            problem(fieldPath.join('.'), fieldPath, message),
          );
      const dependsOn: string[] = [];
      if (body.dependsOn !== undefined) {
        if (!Array.isArray(body.dependsOn) || !body.dependsOn.every((item) => typeof item === 'string'))
          problem('dependsOn', ['dependsOn'], 'expected a list of resource names');
        else dependsOn.push(...(body.dependsOn as string[]));
      }
      stack.add({
        name: resourceName,
        type: typeof body.type === 'string' ? body.type : '',
        inputs,
        dependsOn,
        locate: locateField,
      });
    }
  }
  if (problems.length > 0) throw new StackValidationError(name, problems);
  return stack;
}

function convert(
  value: JsonValue,
  path: Array<string | number>,
  problem: (path: Array<string | number>, message: string) => void,
): InputValue {
  if (typeof value === 'string') {
    const parsed = parseReferences(value);
    if ('problem' in parsed) {
      problem(path, parsed.problem);
      return value;
    }
    return parsed.value;
  }
  if (Array.isArray(value)) return value.map((item, index) => convert(item, [...path, index], problem));
  if (value !== null && typeof value === 'object') {
    const object: Record<string, InputValue> = {};
    for (const [key, item] of Object.entries(value)) object[key] = convert(item, [...path, key], problem);
    return object;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  // Dates and other YAML types that JSON has not: keep their text.
  return String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function at(
  locate: (path: readonly (string | number)[]) => SourceLocation | undefined,
  path: readonly (string | number)[],
): { location?: SourceLocation } {
  const location = locate(path);
  return location ? { location } : {};
}
