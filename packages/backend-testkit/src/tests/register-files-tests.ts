import { collectLogs } from '../collect-logs';
import type { ConformanceHarness } from '../conformance-harness';
import { shippedFileContent, shippedJsonContent, shippedNestedContent } from '../fixture-programs';

/**
 * Registers the `files` group: files and folders of `runtime.files` reach the program's working directory
 * at their `dst`, folders whole, so programs can read their inputs wherever they run.
 */
export function registerFilesTests(harness: ConformanceHarness): void {
  const { expect } = harness.vitest;

  harness.test('ships files and folders to their destinations', async (context) => {
    const parts = () => ({
      program: { kind: 'script' as const, path: harness.fixtures.shippedFilesReader },
      runtime: {
        files: [
          { src: harness.fixtures.shippedFile, dst: 'inputs/data.txt' },
          { src: harness.fixtures.shippedFolder, dst: 'settings' },
        ],
      },
    });
    if (!(await harness.declares(context, 'files', () => harness.startRun(parts())))) return;
    const handle = await harness.startRun(parts());
    const state = await harness.waitForRun(handle);
    const logs = await collectLogs(harness.backend, handle);
    await harness.expectFinalState(handle, state, 'succeeded', 'reading shipped files');
    expect(JSON.parse(logs.stdout)).toEqual({
      data: shippedFileContent,
      a: shippedJsonContent,
      b: shippedNestedContent,
    });
  });
}
