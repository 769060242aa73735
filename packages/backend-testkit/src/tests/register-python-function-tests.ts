import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';

/**
 * Registers the `python functions` group: a function program is called with its keyword parameters and
 * its JSON return value comes back as `state.result`; an exception fails the run with its message on stderr.
 */
export function registerPythonFunctionTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test(
    'calls a Python function with keyword arguments and returns its JSON result',
    async (context) => {
      const train = () => ({
        program: {
          kind: 'function' as const,
          path: harness.fixtures.functions,
          function: 'train',
          parameters: { learning_rate: 0.5, epochs: 4, tags: ['a', 'ü'] },
        },
      });
      if (!(await harness.declares(context, 'pythonFunctions', () => harness.startRun(train())))) return;

      const handle = await harness.startRun(train());
      const state = await harness.waitForRun(handle);
      await harness.expectFinalState(handle, state, 'succeeded', 'train');
      expect(state.result, 'state.result').toEqual({ lr: 0.5, epochs: 4, tags: ['a', 'ü'], sum: 2 });

      const rejecting = await harness.startRun({
        program: { kind: 'function', path: harness.fixtures.functions, function: 'reject', parameters: {} },
      });
      const failed = await harness.waitForRun(rejecting);
      await harness.expectFinalState(rejecting, failed, 'failed', 'a function raising ValueError');
      const logs = await collectLogs(harness.backend, rejecting);
      expect(logs.stderr, 'stderr of a function raising ValueError').toContain('bad input');
    },
  );
}
