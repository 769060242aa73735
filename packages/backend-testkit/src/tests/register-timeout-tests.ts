import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';

/**
 * Registers the `timeout` group: the backend itself stops a run that exceeds `timeoutMilliseconds`, with
 * everything it started, and reports `timed-out`.
 */
export function registerTimeoutTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test('a run past its timeout ends timed-out', async (context) => {
    const parts = () => ({
      program: { kind: 'script' as const, path: harness.fixtures.sleeper },
      timeoutMilliseconds: 1500,
    });
    if (!(await harness.declares(context, 'timeout', () => harness.startRun(parts())))) return;
    const handle = await harness.startRun(parts());
    const started = Date.now();
    const state = await harness.waitForRun(handle);
    const elapsed = Date.now() - started;
    await harness.expectFinalState(handle, state, 'timed-out', 'a 30 s program with a 1.5 s timeout');
    expect(elapsed, 'milliseconds until the timed-out run ended').toBeLessThan(harness.scaled(10_000));
    if (harness.options.hostProcesses) {
      const logs = await collectLogs(harness.backend, handle);
      const pidLine = logs.stdout.split('\n').find((line) => line.includes('"pid"'));
      expect(pidLine, `the program never printed its pid (stdout: ${logs.stdout})`).toBeDefined();
      await harness.expectProcessesGone(
        [(JSON.parse(pidLine!) as { pid: number }).pid],
        'the timed-out program',
      );
    }
    await harness.checkNothingLeft(handle);
  });
}
