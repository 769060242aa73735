/**
 * How deeply arrays and objects nest in JSON text, and where the nesting first passes `limit`, counted
 * in one pass without parsing (strings skipped). Servers check it before `JSON.parse`: a few megabytes
 * of `[[[[…` cost gigabytes to parse, while no real request nests more than a few levels.
 *
 * @returns the deepest nesting, and the offset of the bracket that first went past `limit` (if any).
 */
export function jsonNestingDepth(
  text: string,
  limit = Number.POSITIVE_INFINITY,
): { depth: number; pastLimitAt?: number } {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92)
        index += 1; // a backslash escapes the next character
      else if (code === 34) inString = false;
    } else if (code === 34) {
      inString = true;
    } else if (code === 91 || code === 123) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (depth > limit) return { depth: deepest, pastLimitAt: index };
    } else if (code === 93 || code === 125) {
      depth -= 1;
    }
  }
  return { depth: deepest };
}
