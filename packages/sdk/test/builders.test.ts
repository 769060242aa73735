import { InvalidArgumentError, runtimeHash } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { describeProgram } from '../src/describe-program';
import { infrastructure } from '../src/infrastructure';
import { program } from '../src/program';
import { runtime } from '../src/runtime';

describe('program()', () => {
  test('makes scripts, functions and commands', () => {
    expect(program('train.py')).toEqual({ kind: 'script', path: 'train.py' });
    expect(
      program('train.py', { arguments: ['--epochs', '3'], name: 'training', resources: { cpu: 2 } }),
    ).toEqual({
      kind: 'script',
      path: 'train.py',
      arguments: ['--epochs', '3'],
      name: 'training',
      resources: { cpu: 2 },
    });
    expect(program('train.py', { function: 'train', parameters: { lr: 0.1 } })).toEqual({
      kind: 'function',
      path: 'train.py',
      function: 'train',
      parameters: { lr: 0.1 },
    });
    expect(program({ command: ['python3', '-m', 'http.server'] })).toEqual({
      kind: 'command',
      command: ['python3', '-m', 'http.server'],
    });
  });

  test('refuses programs that can never run', () => {
    expect(() => program('serve.js', { function: 'main' })).toThrow(InvalidArgumentError);
    expect(() => program('train.py', { function: 'not a name' })).toThrow('is not a Python function name');
    expect(() => program({ command: [] })).toThrow('non-empty list');
    expect(() => program(' ')).toThrow('needs the path');
  });
});

describe('runtime()', () => {
  test('accepts the original ICL shape, with plain paths for files', () => {
    const made = runtime({
      environment: { MODE: 'fast' },
      dependencies: { pip: ['numpy==2.1.0'], npm: ['lodash@4'] },
      files: ['data/', { src: 'config.yaml', dst: 'conf/config.yaml' }],
      python: '3.11',
    });
    expect(made).toEqual({
      environment: { MODE: 'fast' },
      dependencies: { pip: ['numpy==2.1.0'], npm: ['lodash@4'] },
      files: [{ src: 'data/' }, { src: 'config.yaml', dst: 'conf/config.yaml' }],
      python: '3.11',
    });
    expect(runtimeHash(made)).toBe(
      runtimeHash({ dependencies: { npm: ['lodash@4'], pip: ['numpy==2.1.0'] }, python: '3.11' }),
    );
  });

  test('refuses values that would be silently changed', () => {
    expect(() => runtime({ environment: { PORT: 8080 as unknown as string } })).toThrow(
      'Environment variable PORT must be a string, got number.',
    );
    expect(() => runtime({ files: [{ dst: 'x' } as unknown as string] })).toThrow(
      'files[0] needs a `src` path.',
    );
    expect(() => runtime({ dependencies: { pip: 'numpy' as unknown as string[] } })).toThrow(
      'dependencies.pip must be a list',
    );
  });
});

describe('infrastructure()', () => {
  test('refers by name or defines in code', () => {
    expect(infrastructure('gpu-lab')).toEqual({ name: 'gpu-lab' });
    expect(infrastructure({ name: 'lab', backend: 'ssh', settings: { hosts: ['a'] } })).toEqual({
      name: 'lab',
      backend: 'ssh',
      settings: { hosts: ['a'] },
    });
    expect(() => infrastructure('')).toThrow('needs a name');
  });
});

describe('describeProgram()', () => {
  test('one line per kind of program', () => {
    expect(describeProgram({ kind: 'script', path: '/work/hello.py', arguments: ['--name', 'x y'] })).toBe(
      "hello.py --name 'x y'",
    );
    expect(
      describeProgram({
        kind: 'function',
        path: '/work/train.py',
        function: 'train',
        parameters: { lr: 0.1, tag: 'a' },
      }),
    ).toBe('train.py:train(lr=0.1, tag="a")');
    expect(describeProgram({ kind: 'command', command: ['python3', '-m', 'http.server'] })).toBe(
      'python3 -m http.server',
    );
  });
});
