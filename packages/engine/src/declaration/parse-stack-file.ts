import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { InvalidArgumentError, type JsonValue } from '@icl/core';
import type { Document } from 'yaml';
import { type StackProblem, StackValidationError } from '../errors/stack-validation-error';
import type { InputValue } from './input';
import { parseReferences } from './parse-references';
import type { SourceLocation } from './source-location';
import { Stack } from './stack';

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
 * Syntax errors name the line and column; every misplaced or mistyped field is reported at once,
 * with its line. Declarations keep a way to locate any field, so later validation can point at lines.
 * JSON files are parsed with `JSON.parse` (fast for large generated stacks) and positions are worked
 * out only when an error needs one.
 *
 * @param file The file's name as the user gave it, for messages.
 */
export function parseStackFile(text: string, file: string): Stack {
  let lineCounter: InstanceType<YamlModule['LineCounter']> | undefined;
  let document: Document | undefined;
  const parseYaml = () => {
    if (!document) {
      const { LineCounter, parseDocument } = yamlModule();
      lineCounter = new LineCounter();
      document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
    }
    return { document, lineCounter: lineCounter! };
  };
  let data: unknown;
  if (/\.json$/i.test(file)) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (data === undefined) {
    const parsed = parseYaml().document;
    const [error] = parsed.errors;
    if (error) {
      const position = error.linePos?.[0];
      throw new InvalidArgumentError({
        argument: file,
        message: `${file}${position ? `:${position.line}:${position.col}` : ''}: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}.`,
        hint: 'Fix the syntax of the stack file.',
        ...(position && { location: `${file}:${position.line}:${position.col}` }),
      });
    }
    data = parsed.toJS({ maxAliasCount: 1000 });
  }

  // Points at the key of a mapping entry (or the item of a list), the nearest one that exists.
  const locate = (path: readonly (string | number)[]): SourceLocation | undefined => {
    const { document: parsed, lineCounter } = parseYaml();
    const { isMap, isScalar, isSeq } = yamlModule();
    const position = (offset: number): SourceLocation => {
      const { line, col } = lineCounter.linePos(offset);
      return { file, line, column: col };
    };
    for (let length = path.length; length > 0; length -= 1) {
      const parent = length === 1 ? parsed.contents : parsed.getIn(path.slice(0, length - 1), true);
      const last = path[length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
        const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
        if (offset !== undefined) return position(offset);
      } else if (isSeq(parent) && typeof last === 'number') {
        const offset = (parent.items[last] as { range?: [number, number, number] } | undefined)?.range?.[0];
        if (offset !== undefined) return position(offset);
      }
    }
    const offset = parsed.contents?.range?.[0];
    return offset === undefined ? undefined : position(offset);
  };

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

type YamlModule = typeof import('yaml');
let loadedYaml: YamlModule | undefined;

/**
 * The `yaml` package, loaded on first use: a JSON stack file without mistakes never needs it, and not
 * loading it keeps `icl plan` fast on large generated stacks. Loaded synchronously (its CommonJS
 * build) so positions can be worked out at the moment an error needs one.
 */
function yamlModule(): YamlModule {
  loadedYaml ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loadedYaml;
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
