import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  createBuiltInProviders,
  createStack,
  file,
  interpolate,
  noop,
  Output,
  parseStackFile,
  StackValidationError,
} from '../src/index';
import { createRecordingProvider } from './recording-provider';
import { testEngine } from './test-engine';

/** `${name.output}` as a stack file writes a reference. */
const ref = (path: string) => `\${${path}}`;

async function problemsOf(promise: Promise<unknown>): Promise<StackValidationError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(StackValidationError.isInstance(error)).toBe(true);
  return error as StackValidationError;
}

describe('validation before anything changes', () => {
  test('a cycle, a missing resource, a missing output and a wrong input type are reported together', async () => {
    const provider = createRecordingProvider();
    const { engine, stateDirectory } = await testEngine();
    const stack = createStack('broken');
    stack.resource('a', provider, { value: Output.of<string>('b', 'value') });
    stack.resource('b', provider, { value: Output.of<string>('a', 'value') });
    stack.resource('c', provider, { value: Output.of<string>('missing', 'value') });
    stack.resource('d', provider, { value: Output.of<string>('a', 'colour') });
    stack.resource('e', file, { path: '/tmp/x', content: 42 as unknown as string });
    const f = stack.resource('f', noop, { input: 'f' });
    stack.resource('g', provider, {
      value: 'g',
      generation: interpolate`${f.outputs.output}` as unknown as number,
    });

    const error = await problemsOf(engine.apply(stack));
    expect(error.problems.map((problem) => [problem.resource, problem.field, problem.message])).toEqual([
      ['c', 'inputs.value', 'references missing resource "missing"'],
      [
        'd',
        'inputs.value',
        'references output "colour" of "a", which type test:Thing does not have (its outputs: value, generation, token)',
      ],
      ['e', 'inputs.content', 'expected a string, got a number'],
      ['g', 'inputs.generation', `expected a number, got an output of type string (${ref('f.output')})`],
      [
        'a',
        undefined,
        'dependency cycle: a → b → a (a resource cannot need itself, directly or through others)',
      ],
    ]);
    expect(error.message).toMatch(
      /^Stack "broken" has 5 problems: resource "c" input "value": references missing resource "missing"; /,
    );
    expect(error.hint).toBe('Nothing was changed. Fix the stack and run the command again.');
    expect(provider.calls).toEqual([]);
    expect(existsSync(join(stateDirectory, 'broken'))).toBe(false);

    // validate() finds the same problems without the state: what `icl validate` runs.
    const validated = await problemsOf(Promise.resolve().then(() => engine.validate(stack)));
    expect(validated.problems).toEqual(error.problems);
    expect(provider.calls).toEqual([]);
  });

  test('unknown types and inputs, missing required inputs and dependsOn are named with suggestions', async () => {
    const { engine } = await testEngine();
    const stack = createStack('typos');
    stack.add({ name: 'x', type: 'icl:Fiel', inputs: {}, dependsOn: ['nope'] });
    stack.add({
      name: 'y',
      type: 'icl:File',
      provider: file as never,
      inputs: { path: '/tmp/y', contnt: 'hi' },
      dependsOn: [],
    });
    const error = await problemsOf(engine.plan(stack));
    expect(
      error.problems.map((problem) => `${problem.resource} ${problem.field}: ${problem.message}`),
    ).toEqual([
      'x type: unknown resource type "icl:Fiel" (did you mean "icl:File"? known types: icl:File)',
      'x dependsOn: depends on missing resource "nope"',
      'y inputs.contnt: unknown input for type icl:File (did you mean "content"? its inputs: path, content, mode)',
      'y inputs.content: missing required input (a string) for type icl:File',
    ]);
  });

  test('in a stack file, every problem names the file, line and column', async () => {
    const { engine } = await testEngine(createBuiltInProviders());
    const text = [
      'name: lines',
      'resources:',
      '  a:',
      '    type: icl:Noop',
      '    inputs:',
      `      input: ${ref('b.output')}`,
      '  b:',
      '    type: icl:Noop',
      '    inputs:',
      `      input: ${ref('a.output')}`,
      '  c:',
      '    type: icl:File',
      '    inputs:',
      '      path: /tmp/c',
      `      content: ${ref('a.outptu')}`,
      '  d:',
      '    type: icl:File',
      '    inputs:',
      `      path: ${ref('ghost.path')}`,
      '      content: 7',
      '',
    ].join('\n');
    const error = await problemsOf(engine.plan(parseStackFile(text, 'stack.yaml')));
    expect(error.message.split('; ')).toEqual([
      'Stack "lines" has 4 problems: stack.yaml:15:7: resource "c" input "content": references output "outptu" of "a", which type icl:Noop does not have (did you mean "output"? its outputs: output)',
      'stack.yaml:19:7: resource "d" input "path": references missing resource "ghost"',
      'stack.yaml:20:7: resource "d" input "content": expected a string, got a number',
      'stack.yaml:5:5: resource "a": dependency cycle: a → b → a (a resource cannot need itself, directly or through others).',
    ]);
  });
});
