import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';

interface AssertionReport {
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  failureMessages: string[];
}

/** Runs one fixture suite in its own vitest and returns how each of its tests ended. */
function runFixtureSuite(file: string): AssertionReport[] {
  const directory = mkdtempSync(join(tmpdir(), 'icl-suite-report-'));
  const report = join(directory, 'report.json');
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  try {
    spawnSync(
      process.execPath,
      [
        vitest,
        'run',
        file,
        '--config',
        join(import.meta.dirname, 'fixtures', 'vitest.config.ts'),
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      { encoding: 'utf8', env: { ...process.env, CI: 'true' } },
    );
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as {
      testResults: { assertionResults: AssertionReport[] }[];
    };
    return parsed.testResults.flatMap((result) => result.assertionResults);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('the provider suite fails a provider whose delete is not idempotent, and only for that', () => {
  const results = runFixtureSuite('broken-delete-provider.suite.ts');
  const byTitle = new Map(results.map((result) => [result.title, result]));
  const deleteTest = byTitle.get('delete is idempotent');
  expect(deleteTest?.status).toBe('failed');
  expect(deleteTest?.failureMessages.join('\n')).toMatch(
    /a second time must succeed \(delete is idempotent\), but it threw: ENOENT/,
  );
  // Everything else the broken provider does right passes; what it lacks shows as skipped with why.
  expect(results.filter((result) => result.status === 'failed').map((result) => result.title)).toEqual([
    'delete is idempotent',
  ]);
  expect(byTitle.get('read returns what was created')?.status).toBe('passed');
  const skipped = results.filter((result) => result.status === 'skipped').map((result) => result.title);
  expect(skipped).toContain(
    'check accepts the sample inputs and refuses each bad one naming its property (skipped: the provider has no check; the engine checks inputs against inputProperties)',
  );
  expect(skipped).toContain(
    'update changes the resource in place and keeps its id (skipped: the provider has no update: every change replaces the resource)',
  );
}, 60_000);
