/** A key written twice in one mapping, with where each was written (offsets into the text). */
export interface RepeatedKey {
  /** The key, as its value reads (escapes resolved). */
  readonly key: string;
  /** Where the first one starts. */
  readonly firstOffset: number;
  /** Where the second one starts. */
  readonly secondOffset: number;
}

// A whole string (escapes included), or a brace. Strings are matched whole, so braces inside them are
// never taken for structure.
const token = /"(?:[^"\\]|\\.)*"|[{}]/g;
const followedByColon = /\s*:/y;

/**
 * The first key written twice in one object of a JSON text, which `JSON.parse` would silently resolve
 * by keeping the last one. One pass over the text, a set of keys per open object: linear in the size
 * of the text. The text must already be valid JSON.
 */
export function findRepeatedJsonKey(text: string): RepeatedKey | undefined {
  const open: Map<string, number>[] = [];
  token.lastIndex = 0;
  for (let match = token.exec(text); match !== null; match = token.exec(text)) {
    const [written] = match;
    if (written === '{') {
      open.push(new Map());
      continue;
    }
    if (written === '}') {
      open.pop();
      continue;
    }
    // A string followed by a colon is a key; any other string is a value.
    followedByColon.lastIndex = token.lastIndex;
    const keys = open.at(-1);
    if (!keys || !followedByColon.test(text)) continue;
    const key = written.includes('\\') ? (JSON.parse(written) as string) : written.slice(1, -1);
    const firstOffset = keys.get(key);
    if (firstOffset !== undefined) return { key, firstOffset, secondOffset: match.index };
    keys.set(key, match.index);
  }
  return undefined;
}
