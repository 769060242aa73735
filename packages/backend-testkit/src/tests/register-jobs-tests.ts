import { createHash } from 'node:crypto';
import { IclError, type RunHandleV1 } from '@icl/core';
import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';
import {
  expectedInterleavedOutput,
  expectedLargeOutput,
  nonAsciiLine,
  nonAsciiRepetitions,
  nonAsciiSplitRepetitions,
} from '../fixture-programs';

/**
 * Registers the `jobs` group: running a program to completion with its exit code, complete output,
 * environment and arguments. Every backend that runs programs must pass all of it.
 */
export function registerJobsTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test('runs a program to success', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const handle = await harness.startRun({ program: { kind: 'script', path: harness.fixtures.hello } });
    const state = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, state, 'succeeded', 'hello');
    expect(state.exitCode, 'exitCode').toBe(0);
    expect(state.startedAt, 'startedAt must be set once the program ran').toBeTypeOf('string');
    expect(state.endedAt, 'endedAt must be set once the run ended').toBeTypeOf('string');
    expect(Date.parse(state.endedAt!), 'endedAt must not be before startedAt').toBeGreaterThanOrEqual(
      Date.parse(state.startedAt!),
    );
    const logs = await collectLogs(harness.backend, handle);
    expect(logs.stdout).toBe('hello from icl\n');
  });

  harness.test('reports a failing exit code', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const handle = await harness.startRun({ program: { kind: 'script', path: harness.fixtures.exitThree } });
    const state = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, state, 'failed', 'sys.exit(3)');
    expect(state.exitCode, 'exitCode').toBe(3);
  });

  harness.test('delivers complete and ordered stdout and stderr', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const handle = await harness.startRun({
      program: { kind: 'script', path: harness.fixtures.interleavedOutput },
    });
    const logs = await collectLogs(harness.backend, handle, { follow: true });
    const state = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, state, 'succeeded', 'interleaved output');
    const expected = expectedInterleavedOutput();
    expect(logs.stdout, 'stdout').toBe(expected.stdout);
    expect(logs.stderr, 'stderr').toBe(expected.stderr);
  });

  harness.test(
    'delivers 10 MB of output intact',
    async (context) => {
      if (!(await harness.declares(context, 'jobs'))) return;
      const handle = await harness.startRun({
        program: { kind: 'script', path: harness.fixtures.largeOutput },
      });
      const logs = await collectLogs(harness.backend, handle, { follow: true });
      const state = await harness.waitForRun(handle);
      await harness.expectFinalState(handle, state, 'succeeded', '10 MB output');
      const expected = expectedLargeOutput();
      // Compare lengths and hashes rather than the strings, so a failure does not print 10 MB.
      expect(logs.stdout.length, 'stdout length').toBe(expected.length);
      expect(sha256(logs.stdout), 'sha256 of stdout').toBe(sha256(expected));
    },
    60_000,
  );

  harness.test('delivers non-ASCII text intact', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const handle = await harness.startRun({
      program: { kind: 'script', path: harness.fixtures.nonAsciiOutput },
    });
    const logs = await collectLogs(harness.backend, handle, { follow: true });
    const state = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, state, 'succeeded', 'non-ASCII output');
    const expected = `${nonAsciiLine}\n`.repeat(nonAsciiRepetitions + nonAsciiSplitRepetitions);
    expect(
      logs.stdout.includes('\uFFFD'),
      'stdout contains U+FFFD: a character was split between chunks',
    ).toBe(false);
    expect(logs.stdout.length, 'stdout length').toBe(expected.length);
    expect(logs.stdout === expected, 'stdout equals the printed text exactly').toBe(true);
  });

  harness.test('sets environment variables', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const handle = await harness.startRun({
      program: { kind: 'script', path: harness.fixtures.environment },
      runtime: { environment: { ICL_RUNTIME_VALUE: '42' } },
      environment: { ICL_TEST_GREETING: 'hi there' },
    });
    const state = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, state, 'succeeded', 'environment');
    const logs = await collectLogs(harness.backend, handle);
    expect(JSON.parse(logs.stdout)).toEqual({ ICL_TEST_GREETING: 'hi there', ICL_RUNTIME_VALUE: '42' });
  });

  harness.test('passes argv parameters', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const parameters = ['--name', 'world', 'two words', ''];
    const handle = await harness.startRun({
      program: { kind: 'script', path: harness.fixtures.arguments, arguments: parameters },
    });
    const state = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, state, 'succeeded', 'arguments');
    const logs = await collectLogs(harness.backend, handle);
    expect(JSON.parse(logs.stdout)).toEqual(parameters);
  });

  harness.test('reports a program that cannot start as failed', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const request = harness.buildRequest({
      program: { kind: 'command', command: ['/nonexistent/icl-no-such-binary'] },
    });
    let started: RunHandleV1;
    try {
      started = await harness.backend.startRun(request);
    } catch (error) {
      // Refusing up front is fine, as long as it is a typed error the CLI can explain.
      expect(IclError.isInstance(error), `startRun rejected with a non-ICL error: ${String(error)}`).toBe(
        true,
      );
      return;
    }
    const handle = harness.adoptHandle(started, request.runId);
    const state = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, state, 'failed', 'missing executable');
    expect(
      typeof state.reason === 'string' && state.reason.trim() !== '',
      'a run that could not start must say why in state.reason',
    ).toBe(true);
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
