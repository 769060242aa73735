#!/usr/bin/env node
// The whole test suite: builds every package, runs every package's vitest suite one package at a
// time (tests start real processes and servers; two cores are shared), then prints one closing line
// "N passed, N failed" over all packages. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reportName = '.vitest-report.json';
const workspaces = ['packages', 'plugins', 'apps', 'tooling'].flatMap((group) =>
  existsSync(path.join(root, group))
    ? readdirSync(path.join(root, group))
        .map((name) => path.join(root, group, name))
        .filter((directory) => existsSync(path.join(directory, 'package.json')))
    : [],
);
for (const workspace of workspaces) rmSync(path.join(workspace, reportName), { force: true });

const turbo = (...args) =>
  spawnSync('pnpm', ['exec', 'turbo', ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;
let status = turbo('run', 'build');
if (status === 0) {
  status = turbo(
    'run',
    'test',
    '--concurrency=1',
    '--continue',
    '--',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportName}`,
  );
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const workspace of workspaces) {
  const report = path.join(workspace, reportName);
  if (!existsSync(report)) continue;
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
  if (result.numFailedTestSuites > 0 && result.numFailedTests === 0) failed += result.numFailedTestSuites;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status);
