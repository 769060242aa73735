import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';

/**
 * Registers the `isolation` group: runs started at the same time get their own working directory,
 * environment and output, so parallel experiments never see each other's files.
 */
export function registerIsolationTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test('concurrent runs stay isolated', async (context) => {
    if (!(await harness.declares(context, 'jobs'))) return;
    const indexes = [0, 1, 2, 3];
    const handles = await Promise.all(
      indexes.map((index) =>
        harness.startRun({
          program: { kind: 'script', path: harness.fixtures.scratchWriter },
          environment: { ICL_TEST_INDEX: String(index) },
        }),
      ),
    );
    const states = await Promise.all(handles.map((handle) => harness.waitForRun(handle)));
    for (const [index, handle] of handles.entries()) {
      const logs = await collectLogs(harness.backend, handle);
      await harness.expectFinalState(handle, states[index]!, 'succeeded', `run ${index}`);
      expect(logs.stdout, `stdout of run ${index}`).toBe(`index=${index} scratch=${index}\n`);
    }
  });
}
