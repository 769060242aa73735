const compiled = new Map<string, RegExp | string>();

/**
 * Whether a provider's attribute key matches a requirement's key, with the glob rules Akash uses for
 * requirement keys (Go's `filepath.Match`): `*` stands for any run of characters other than `/`, `?`
 * for one such character, `[a-z]` and `[^a-z]` for one character of (or not of) a class, and `\`
 * escapes the next character. A key without any of them must be equal.
 */
export function attributeKeyMatches(pattern: string, key: string): boolean {
  let matcher = compiled.get(pattern);
  if (matcher === undefined) {
    matcher = /[*?[\\]/.test(pattern) ? globExpression(pattern) : pattern;
    compiled.set(pattern, matcher);
  }
  return typeof matcher === 'string' ? matcher === key : matcher.test(key);
}

/** Whether a requirement key has glob characters, so it must be matched rather than looked up. */
export function isAttributeGlob(pattern: string): boolean {
  return /[*?[\\]/.test(pattern);
}

function globExpression(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else if (character === '\\' && index + 1 < pattern.length) source += escapeCharacter(pattern[++index]!);
    else if (character === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end === -1) return /(?!)/; // Go reports a malformed pattern, which matches nothing.
      let body = pattern.slice(index + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      source += `[${negated ? '^/' : ''}${body.replace(/[\]\\]/g, (found) => `\\${found}`)}]`;
      index = end;
    } else source += escapeCharacter(character);
  }
  return new RegExp(`^${source}$`);
}

function escapeCharacter(character: string): string {
  return character.replace(/[.*+?^${}()|[\]\\/]/g, (found) => `\\${found}`);
}
