import type { BackendV1 } from '@icl/core';
import type * as Vitest from 'vitest';
import { describe, expect, test } from 'vitest';
import { backendTestNames, backendTestSuite } from '../src/index';

const neverCreated = (): BackendV1 => {
  throw new Error('registration must not create the backend');
};

/** A stand-in vitest module that records what the suite registers, running describe blocks at once. */
function recordingVitest() {
  const suites: string[] = [];
  const tests: string[] = [];
  const skipped: string[] = [];
  const module = {
    describe: (name: string, factory: () => void) => {
      suites.push(name);
      factory();
    },
    test: Object.assign((name: string) => tests.push(name), { skip: (name: string) => skipped.push(name) }),
    beforeAll: () => {},
    afterAll: () => {},
    afterEach: () => {},
    expect,
  };
  return { vitest: module as unknown as typeof Vitest, suites, tests, skipped };
}

describe('backendTestSuite options', () => {
  test('an unknown name in disabledTests throws at registration, listing the known names', () => {
    const recording = recordingVitest();
    expect(() =>
      backendTestSuite(recording.vitest, neverCreated, {
        name: 'typo',
        // A misspelt name, as JavaScript callers or dynamically built options can pass it.
        disabledTests: { 'runs a progam to success': 'misspelt' } as Record<string, string>,
      }),
    ).toThrow(/unknown test "runs a progam to success"[\s\S]*runs a program to success/);
    expect(recording.tests).toEqual([]);
  });

  test.each([
    ['an empty reason', ''],
    ['a blank reason', '   '],
    ['a reason that is not a string', 42 as unknown as string],
  ])('%s in disabledTests throws at registration', (_label, reason) => {
    expect(() =>
      backendTestSuite(recordingVitest().vitest, neverCreated, {
        name: 'no reason',
        disabledTests: { 'reports an inventory': reason },
      }),
    ).toThrow(/needs a written reason/);
  });

  test('a missing name or a non-positive timeoutScale throws', () => {
    expect(() => backendTestSuite(recordingVitest().vitest, neverCreated, { name: '' })).toThrow(
      /options.name/,
    );
    expect(() =>
      backendTestSuite(recordingVitest().vitest, neverCreated, { name: 'x', timeoutScale: 0 }),
    ).toThrow(/timeoutScale/);
  });

  test('registers every test once, and a disabled test as skipped with its reason in the title', () => {
    const recording = recordingVitest();
    backendTestSuite(recording.vitest, neverCreated, {
      name: 'example',
      disabledTests: { 'reports an inventory': 'the fake cluster has no nodes' },
    });
    expect(recording.suites[0]).toBe('backend conformance: example');
    expect(recording.skipped).toEqual(['reports an inventory (disabled: the fake cluster has no nodes)']);
    expect([...recording.tests, 'reports an inventory'].sort()).toEqual([...backendTestNames].sort());
  });
});
