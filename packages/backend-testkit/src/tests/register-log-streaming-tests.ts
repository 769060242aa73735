import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';

/**
 * Registers the `logs` group: with `follow`, output arrives while the program is still running, which
 * `icl run` relies on to show progress of long trainings.
 */
export function registerLogStreamingTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test('streams output while the run is going', async (context) => {
    if (!(await harness.declares(context, 'logFollow'))) return;
    const handle = await harness.startRun({ program: { kind: 'script', path: harness.fixtures.slowOutput } });
    const early = await collectLogs(harness.backend, handle, {
      follow: true,
      until: (output) => output.stdout.includes('first\n'),
    });
    const state = await harness.backend.getRunState(handle);
    expect(early.stdout, 'output before the program printed "second"').toBe('first\n');
    expect(state.status, 'status when "first" arrived (the program then sleeps 3 s)').toBe('running');
    // Reading again starts from the beginning and, following, ends with the run.
    const complete = await collectLogs(harness.backend, handle, { follow: true });
    expect(complete.stdout, 'the complete output').toBe('first\nsecond\n');
    await harness.expectFinalState(handle, await harness.waitForRun(handle), 'succeeded', 'slow output');
  });
}
