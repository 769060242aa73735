import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';
import { launchDetachedRun } from '../detached-run-launcher';

/**
 * Registers the `detach` group: a run started with `detach: true` by a process that then exits keeps
 * going, and another backend instance with the same directories can read, wait for and read the output
 * of it, as `icl run --detach` followed by `icl logs` does.
 */
export function registerDetachTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;
  const name = 'a run record is readable after the process that started it has exited';

  harness.test(
    name,
    async (context) => {
      if (!(await harness.declares(context, 'detach'))) return;
      const reference = harness.options.module;
      if (reference === undefined) {
        throw new Error(
          `The backend declares "detach", so this test must start a run from another process, which needs to know how to create the backend there: pass options.module ({ specifier, exportName, settings }), or disable the test with a written reason: disabledTests: { '${name}': '<why>' }.`,
        );
      }
      const request = harness.buildRequest({
        program: { kind: 'script', path: harness.fixtures.detachedOutput },
        detach: true,
      });
      const launch = await launchDetachedRun(
        {
          specifier: reference.specifier,
          exportName: reference.exportName,
          settings: reference.settings ?? {},
          context: harness.backendContext,
          request,
          cwd: process.cwd(),
        },
        context.signal,
      );
      expect(launch.exitCode, `the process starting the detached run failed:\n${launch.stderr}`).toBe(0);
      expect(
        launch.handle,
        `the process starting the detached run printed no handle:\n${launch.stdout}`,
      ).toBeDefined();
      const handle = harness.adoptHandle(launch.handle!, request.runId);

      const state = await harness.backend.getRunState(handle);
      expect(['pending', 'running', 'succeeded'], 'status right after the starting process exited').toContain(
        state.status,
      );
      const final = await harness.waitForRun(handle, {
        signal: AbortSignal.timeout(harness.scaled(20_000)),
        failure:
          'the detached run did not end within 20 s of a 1 s program; is it supervised by the process that started it?',
      });
      await harness.expectFinalState(handle, final, 'succeeded', 'the detached run');
      const logs = await collectLogs(harness.backend, handle);
      expect(logs.stdout, 'stdout of the detached run').toBe('detached output\n');
    },
    60_000,
  );
}
