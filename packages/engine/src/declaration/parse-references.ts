import type { InputValue } from './input';
import { Output, type OutputReference } from './output';

/** The result of reading `${…}` references in a stack file's string. */
export type ParsedString = { value: InputValue } | { problem: string };

const segmentPattern = /^[A-Za-z0-9_-]+$/;

/**
 * Reads the references in a string from a stack file: `${bucket.name}` alone keeps the output's own
 * type; text around references makes a string. `$${` writes a literal `${` (shell scripts). A `${…}`
 * that does not name a resource and an output is a problem, not text, so a misspelling is caught.
 */
export function parseReferences(text: string): ParsedString {
  if (!text.includes('${')) return { value: text };
  const segments: Array<string | OutputReference> = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf('$', index);
    if (start < 0) {
      literal += text.slice(index);
      break;
    }
    literal += text.slice(index, start);
    if (text.startsWith('$${', start)) {
      literal += '${';
      index = start + 3;
      continue;
    }
    if (!text.startsWith('${', start)) {
      literal += '$';
      index = start + 1;
      continue;
    }
    const end = text.indexOf('}', start);
    if (end < 0)
      return {
        problem: `"\${" at position ${start + 1} is not closed by "}"; write "$\${" for a literal "\${"`,
      };
    const body = text.slice(start + 2, end).trim();
    const parts = body.split('.');
    if (parts.length < 2 || !parts.every((part) => segmentPattern.test(part)))
      return {
        problem: `"\${${body}}" is not a reference: write \${resource.output} (or "$\${" for a literal "\${")`,
      };
    if (literal) segments.push(literal);
    literal = '';
    segments.push({ resource: parts[0]!, output: parts[1]!, path: parts.slice(2) });
    index = end + 1;
  }
  if (literal) segments.push(literal);
  if (segments.length === 0) return { value: '' };
  if (segments.every((segment) => typeof segment === 'string')) return { value: segments.join('') };
  if (segments.length > 1 || typeof segments[0] === 'string') {
    // Text around references: always a string.
    return { value: new Output<string>(segments.length === 1 ? [...segments, ''] : segments) };
  }
  return { value: new Output(segments) };
}
