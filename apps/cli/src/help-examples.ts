/** The `Examples:` block appended to a command's help. An empty line stays empty. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => (line ? `  ${line}` : '')).join('\n')}\n`;
}
