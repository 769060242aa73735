const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

/** A style {@link paint} can apply. */
export type TextStyle = keyof typeof codes;

/**
 * Whether to decorate what goes to a stream with ANSI codes: only for a terminal, and never when the
 * user set `NO_COLOR` (https://no-color.org) or `TERM=dumb`, so piped output and logs stay plain text.
 */
export function isStyledStream(
  stream: NodeJS.WriteStream,
  environment: NodeJS.ProcessEnv = process.env,
): boolean {
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== '') return false;
  if (environment.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Wraps text in an ANSI style when `enabled`, and returns it unchanged otherwise. */
export function paint(text: string, style: TextStyle, enabled: boolean): string {
  if (!enabled) return text;
  const [open, close] = codes[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
