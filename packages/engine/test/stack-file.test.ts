import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { loadStackFile, Output, parseStackFile, StackValidationError } from '../src/index';
import { temporaryDirectory } from './temporary-directory';

/** `${name.output}` as a stack file writes a reference. */
const ref = (path: string) => `\${${path}}`;

const inputOf = (text: string, input: string) =>
  parseStackFile(text, 'stack.yaml').resources.find((resource) => resource.name === 'r')?.inputs[input];
const oneResource = (value: string) =>
  `name: s\nresources:\n  r:\n    type: icl:Noop\n    inputs:\n      input: ${JSON.stringify(value)}\n`;

describe('stack files', () => {
  test(`${ref('resource.output')} alone keeps the output; with text around it makes a string; $\${ is a literal`, () => {
    const whole = inputOf(oneResource(`${ref('a.output')}`), 'input');
    expect(Output.isInstance(whole) && whole.isWhole).toBe(true);
    expect(Output.isInstance(whole) && whole.references).toEqual([
      { resource: 'a', output: 'output', path: [] },
    ]);
    const text = inputOf(oneResource(`at ${ref('a.output.host')}:${ref('b.port')}!`), 'input');
    expect(Output.isInstance(text) && text.isWhole).toBe(false);
    expect(Output.isInstance(text) && text.segments).toEqual([
      'at ',
      { resource: 'a', output: 'output', path: ['host'] },
      ':',
      { resource: 'b', output: 'port', path: [] },
      '!',
    ]);
    expect(inputOf(oneResource(`echo $${ref('HOME')} $PATH`), 'input')).toBe(`echo ${ref('HOME')} $PATH`);
  });

  test(`a ${ref('…')} that is not a reference is reported with its line, with how to write a literal`, () => {
    const error = (() => {
      try {
        parseStackFile(oneResource(`echo ${ref('HOME')}`), 'stack.yaml');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(StackValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `Stack "s": stack.yaml:6:7: resource "r" input "input": "${ref('HOME')}" is not a reference: write ${ref('resource.output')} (or "$\${" for a literal "\${").`,
    );
  });

  test('syntax errors name the line and column; misplaced fields are all reported', () => {
    expect(() => parseStackFile('name: s\nresources:\n  r: [unclosed\n', 'bad.yaml')).toThrow(
      /^bad\.yaml:\d+:\d+: /,
    );
    try {
      parseStackFile(
        'name: s\nresource: {}\nresources:\n  r:\n    typ: icl:Noop\n    inputs: 3\n',
        'fields.yaml',
      );
      expect.unreachable();
    } catch (error) {
      expect((error as StackValidationError).problems.map((problem) => problem.message)).toEqual([
        'unknown field; a stack file has name, description, resources',
        'unknown field; a resource has type, description, inputs, dependsOn',
        'give the resource type (type: icl:File)',
        'expected a mapping of input names to values',
      ]);
      expect((error as Error).message).toContain('fields.yaml:2:1: field "resource": unknown field');
      expect((error as Error).message).toContain('fields.yaml:5:5: resource "r" field "typ"');
    }
  });

  test('a resource written twice is refused with both places, in YAML and in JSON', () => {
    const yaml =
      'name: s\nresources:\n  a:\n    type: icl:Noop\n  b:\n    type: icl:Noop\n  a:\n    type: icl:Noop\n';
    expect(() => parseStackFile(yaml, 'twice.yaml')).toThrow(
      'twice.yaml:7:3: "a" is written twice in the same mapping; the first is at twice.yaml:3:3.',
    );
    const json =
      '{\n  "name": "s",\n  "resources": {\n    "a": { "type": "icl:Noop" },\n    "a": { "type": "icl:Noop", "inputs": { "input": "{\\"a\\": 1}" } }\n  }\n}\n';
    const error = (() => {
      try {
        parseStackFile(json, 'twice.json');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).message).toBe(
      'twice.json:5:5: "a" is written twice in the same mapping; the first is at twice.json:4:5.',
    );
    // Inputs too: a repeated input would otherwise silently lose one value.
    expect(() =>
      parseStackFile('{"name":"s","resources":{"r":{"type":"icl:Noop","inputs":{"x":1,"x":2}}}}', 'in.json'),
    ).toThrow('in.json:1:65: "x" is written twice in the same mapping; the first is at in.json:1:59.');
    // The same key in two different mappings is not repeated; neither is a string value equal to a key.
    const stack = parseStackFile(
      '{"name":"s","resources":{"a":{"type":"icl:Noop","inputs":{"input":"a"}},"b":{"type":"icl:Noop","inputs":{"input":"}{"}}}}',
      'fine.json',
    );
    expect(stack.resources.map((resource) => resource.name)).toEqual(['a', 'b']);
  });

  test('aliases that expand without bound are refused; a few aliases are fine', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 9; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const bomb = `name: s\nresources:\n  r:\n    type: icl:Noop\n    inputs:\n${levels.map((line) => `      ${line}`).join('\n')}\n`;
    expect(() => parseStackFile(bomb, 'bomb.yaml')).toThrow(
      'bomb.yaml:7:14: aliases repeat values more than 1000 times.',
    );
    const shared =
      'name: s\nresources:\n  r:\n    type: icl:Noop\n    inputs:\n      input: &tags [gpu, a100]\n  q:\n    type: icl:Noop\n    inputs:\n      input: *tags\n';
    expect(parseStackFile(shared, 'shared.yaml').resources.map((resource) => resource.inputs.input)).toEqual([
      ['gpu', 'a100'],
      ['gpu', 'a100'],
    ]);
  });

  test('JSON stack files are read too, with lines in errors', () => {
    const text = JSON.stringify(
      { name: 'j', resources: { r: { type: 'icl:Noop', inputs: { input: `${ref('x')}` } } } },
      null,
      2,
    );
    expect(() => parseStackFile(text, 'stack.json')).toThrow(/stack\.json:7:9: resource "r" input "input"/);
    const stack = parseStackFile(text.replace(`${ref('x')}`, 'plain'), 'stack.json');
    expect(stack.resources[0]).toMatchObject({ name: 'r', type: 'icl:Noop', inputs: { input: 'plain' } });
  });

  test('a JavaScript module exporting a stack loads; a missing file or export is a clear error', async () => {
    const root = await temporaryDirectory();
    await mkdir(join(root, 'node_modules', '@icl'), { recursive: true });
    await symlink(
      fileURLToPath(new URL('..', import.meta.url)),
      join(root, 'node_modules', '@icl', 'engine'),
    );
    await writeFile(
      join(root, 'icl-stack.mjs'),
      "import { createStack, noop } from '@icl/engine';\nconst stack = createStack('module');\nstack.resource('n', noop, { input: 1 });\nexport default stack;\n",
    );
    const stack = await loadStackFile(join(root, 'icl-stack.mjs'));
    expect(stack.name).toBe('module');
    expect(stack.resources.map((resource) => resource.type)).toEqual(['icl:Noop']);
    await writeFile(join(root, 'empty.mjs'), 'export const nothing = 1;\n');
    await expect(loadStackFile(join(root, 'empty.mjs'))).rejects.toThrow(/does not export a stack/);
    const missing = await loadStackFile(join(root, 'nope.yaml')).catch((error: unknown) => error);
    expect(InvalidArgumentError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toBe(
      `Cannot read the stack file ${join(root, 'nope.yaml')}: it does not exist.`,
    );
  });
});
