import { InvalidArgumentError, jsonNestingDepth } from '@icl/core';
import type { FieldSource } from './field-reader';
import type { InfernoSystemData } from './inferno-data';
import { fieldLocator } from './locate-field';
import { parseInfernoSystemData } from './parse-inferno-data';

/** JSON text parsed, and a source that can locate its fields for error messages. */
export interface ParsedJson {
  value: unknown;
  source: FieldSource;
}

/**
 * Parses JSON text from `name` (a file path or `request body`). Malformed JSON is an
 * {@link InvalidArgumentError} naming the line and column; the returned source locates any field later
 * found wrong.
 */
export function parseInfernoJson(text: string, name: string): ParsedJson {
  checkNesting(text, name);
  try {
    return { value: JSON.parse(text), source: { name, locate: fieldLocator(text) } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    let location = name;
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      location = `${name}:${line}:${column}`;
    }
    throw new InvalidArgumentError({
      argument: name,
      location,
      message: `Invalid JSON in ${location}: ${message}.`,
      hint: 'Fix the syntax; the file must be one JSON object.',
      cause: error,
    });
  }
}

/** Parses the text of a `system-data.json` (the body of `POST /optimizeOne`), every error located. */
export function parseInfernoSystemText(text: string, name: string): InfernoSystemData {
  const { value, source } = parseInfernoJson(text, name);
  return parseInfernoSystemData(value, source);
}

/** How deep Inferno's data nests (a system's deepest field is five levels down); far more is refused. */
const maximumNesting = 64;

/**
 * Refuses text whose arrays and objects nest deeper than {@link maximumNesting}, before it is parsed:
 * parsing a deeply nested body of a few MiB costs gigabytes of memory, and no system nests like that.
 *
 * @throws InvalidArgumentError locating where the nesting goes too deep.
 */
function checkNesting(text: string, name: string): void {
  const { pastLimitAt } = jsonNestingDepth(text, maximumNesting);
  if (pastLimitAt === undefined) return;
  const before = text.slice(0, pastLimitAt);
  const location = `${name}:${before.split('\n').length}:${pastLimitAt - before.lastIndexOf('\n')}`;
  throw new InvalidArgumentError({
    argument: name,
    location,
    message: `${location}: arrays and objects nest deeper than ${maximumNesting} levels.`,
    hint: 'Send Inferno system data: its fields nest a few levels deep.',
  });
}
