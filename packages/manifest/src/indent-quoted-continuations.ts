import { Lexer } from 'yaml';

/** A manifest's text with the continuation lines of its double-quoted scalars indented. */
export interface IndentedText {
  readonly text: string;
  /** How many spaces each changed line gained, by 1-based line number: to report columns as written. */
  readonly addedSpaces: ReadonlyMap<number, number>;
}

/**
 * Go's yaml.v3, the reader of Akash's parser, accepts a double-quoted scalar whose continuation lines are
 * indented less than the line it starts on (awesome-akash's `wordpress/deploy.yaml` has one); YAML 1.2,
 * and the `yaml` library, do not. Folding a double-quoted scalar drops the leading white space of its
 * continuation lines, so indenting them changes no value: this returns the text with each such line
 * indented past the line its scalar starts on, or `undefined` when no scalar needs it (or a quote is never
 * closed, which stays an error).
 */
export function indentQuotedContinuations(text: string): IndentedText | undefined {
  let current = text;
  const addedSpaces = new Map<number, number>();
  for (;;) {
    const open = firstUnclosedQuote(current);
    if (open === undefined) break;
    const closing = closingQuote(current, open.tokenEnd);
    if (closing === undefined) return undefined;
    const lines = current.split('\n');
    const startLine = lineIndexOf(current, open.start);
    const wanted = indentationOf(lines[startLine]!) + 2;
    for (let index = lineIndexOf(current, open.tokenEnd); index <= lineIndexOf(current, closing); index++) {
      if (index === startLine) continue;
      const missing = wanted - indentationOf(lines[index]!);
      if (missing <= 0) continue;
      lines[index] = ' '.repeat(missing) + lines[index];
      addedSpaces.set(index + 1, (addedSpaces.get(index + 1) ?? 0) + missing);
    }
    const next = lines.join('\n');
    if (next === current) return undefined;
    current = next;
  }
  return addedSpaces.size === 0 ? undefined : { text: current, addedSpaces };
}

/** The first double-quoted scalar the lexer ends before its closing quote: where it starts and stops. */
function firstUnclosedQuote(text: string): { start: number; tokenEnd: number } | undefined {
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token.startsWith('"') && closingQuote(token, 1) === undefined)
      return { start: offset, tokenEnd: offset + token.length };
    offset += token.length;
  }
  return undefined;
}

/** The offset of the first `"` from `from` that no backslash escapes. */
function closingQuote(text: string, from: number): number | undefined {
  for (let index = from; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  return undefined;
}

function lineIndexOf(text: string, offset: number): number {
  let line = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1))
    line++;
  return line;
}

function indentationOf(line: string): number {
  return line.length - line.trimStart().length;
}
