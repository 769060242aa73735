import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';

/**
 * Registers the `cancel` group: cancelling stops the program and everything it started, and is
 * idempotent on runs that already ended. A backend without `cancel` must refuse `cancelRun`.
 */
export function registerCancelTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  // Without the capability, cancelRun itself is the request to refuse; the run is left to finish.
  const refusedCancel = async () => {
    const handle = await harness.startRun({ program: { kind: 'script', path: harness.fixtures.hello } });
    try {
      await harness.backend.cancelRun(handle);
    } finally {
      await harness.waitForRun(handle);
    }
  };

  harness.test('cancel stops the whole process tree', async (context) => {
    if (!(await harness.declares(context, 'cancel', refusedCancel))) return;
    const handle = await harness.startRun({
      program: { kind: 'script', path: harness.fixtures.processTree },
    });
    const logs = await collectLogs(harness.backend, handle, {
      follow: true,
      until: (output) => /"pids"[^\n]*\n/.test(output.stdout),
    });
    const pidLine = logs.stdout.split('\n').find((line) => line.includes('"pids"'));
    expect(
      pidLine,
      `the program never printed its pids (stdout: ${logs.stdout}, stderr: ${logs.stderr})`,
    ).toBeDefined();
    const pids = (JSON.parse(pidLine!) as { pids: number[] }).pids;

    const cancelled = await harness.cancelRun(handle);
    await harness.expectFinalState(handle, cancelled, 'cancelled', 'cancelRun result');
    const state = await harness.backend.getRunState(handle);
    await harness.expectFinalState(handle, state, 'cancelled', 'getRunState after cancelRun');
    await harness.expectProcessesGone(pids, 'the program, its two children and its grandchild');
    await harness.checkNothingLeft(handle);
  });

  harness.test('cancelling an ended run keeps its final state', async (context) => {
    if (!(await harness.declares(context, 'cancel', refusedCancel))) return;
    const handle = await harness.startRun({ program: { kind: 'script', path: harness.fixtures.hello } });
    const ended = await harness.waitForRun(handle);
    await harness.expectFinalState(handle, ended, 'succeeded', 'hello');
    const afterCancel = await harness.cancelRun(handle);
    await harness.expectFinalState(handle, afterCancel, 'succeeded', 'cancelRun on an ended run');
    expect(afterCancel.exitCode, 'exitCode after cancelRun').toBe(0);
    const state = await harness.backend.getRunState(handle);
    await harness.expectFinalState(handle, state, 'succeeded', 'getRunState after cancelRun on an ended run');
    expect(state.exitCode, 'exitCode').toBe(0);
  });
}
