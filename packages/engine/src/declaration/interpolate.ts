import type { JsonValue } from '@icl/core';
import { Output, type OutputReference } from './output';

/**
 * Builds a string from text and outputs of other resources, known once they exist:
 *
 * ```ts
 * const config = stack.resource('config', file, {
 *   path: interpolate`${workspace.outputs.path}/config.json`,
 *   content: '{}',
 * });
 * ```
 *
 * Numbers and booleans among the outputs are written as JSON writes them.
 */
export function interpolate(
  strings: TemplateStringsArray,
  ...values: ReadonlyArray<Output<JsonValue> | string | number | boolean>
): Output<string> {
  const segments: Array<string | OutputReference> = [];
  const pushText = (text: string) => {
    if (text === '') return;
    const last = segments.at(-1);
    if (typeof last === 'string') segments[segments.length - 1] = last + text;
    else segments.push(text);
  };
  strings.forEach((text, index) => {
    pushText(text);
    if (index >= values.length) return;
    const value = values[index];
    if (Output.isInstance(value)) {
      for (const segment of value.segments) {
        if (typeof segment === 'string') pushText(segment);
        else segments.push(segment);
      }
    } else pushText(String(value));
  });
  // A lone reference would keep its output's own type; inside a template it is always a string.
  if (segments.length === 1 && typeof segments[0] !== 'string') segments.push('');
  return new Output<string>(segments);
}
