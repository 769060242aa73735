// The stack the engine benches plan and apply: `icl:Noop` resources in pairs, b<i> referencing a<i>.

/**
 * The text of a stack file of `2 × pairs` resources: `a<i>` with a plain input, and `b<i>` whose input
 * is `${a<i>.output}`, so half of the stack depends on the other half.
 * @param {{ pairs: number, format: 'yaml' | 'json', name?: string, changed?: number }} options
 *   `changed`: how many of the `a` resources get another input (for a plan with changes).
 * @returns {string}
 */
export function noopStackText({ pairs, format, name = 'bench', changed = 0 }) {
  const value = (index) => (index < changed ? `changed-${index}` : `value-${index}`);
  if (format === 'json') {
    const resources = {};
    for (let index = 0; index < pairs; index += 1)
      resources[`a${index}`] = { type: 'icl:Noop', inputs: { input: value(index) } };
    for (let index = 0; index < pairs; index += 1)
      resources[`b${index}`] = { type: 'icl:Noop', inputs: { input: `\${a${index}.output}` } };
    return JSON.stringify({ name, resources }, null, 1);
  }
  const lines = [`name: ${name}`, 'resources:'];
  for (let index = 0; index < pairs; index += 1)
    lines.push(`  a${index}:`, '    type: icl:Noop', '    inputs:', `      input: ${value(index)}`);
  for (let index = 0; index < pairs; index += 1)
    lines.push(`  b${index}:`, '    type: icl:Noop', '    inputs:', `      input: \${a${index}.output}`);
  return `${lines.join('\n')}\n`;
}
