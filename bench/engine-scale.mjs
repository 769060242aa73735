#!/usr/bin/env node
// How the plan/apply engine grows with the size of a stack. For each size, a stack of `icl:Noop`
// resources in which half reference the other half (`b<i>.input: ${a<i>.output}`), through the CLI
// in a fresh directory: apply from empty, a plan with nothing to change, and a plan after changing the
// inputs of 1% of the resources. Prints each time, the
// time per resource, peak resident memory, and the growth of the time per resource from the middle size
// to the largest (1.0 is linear). Writes the figures as JSON and a chart (SVG, both axes logarithmic)
// to bench/results/.
//
// Targets (issue 19): at 100,000 resources apply from empty ≤ 20 s, no-op plan ≤ 5 s, peak RSS
// ≤ 600 MiB, and the time per resource at 100,000 at most 1.5× that at 20,000.
//
// BENCH_SIZES (default 2000,20000,100000), BENCH_FORMAT (yaml, the default, or json), BENCH_ROUNDS
// (plans per size, default 3; medians count), BENCH_MEMORY=proc (see peak-memory.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { iclEnvironment } from './icl-environment.mjs';
import { noopStackText } from './noop-stack.mjs';
import { measureCommand, peakMemorySource } from './peak-memory.mjs';
import { median } from './wall-time.mjs';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'apps/cli/dist/bin.js');
const sizes = (process.env.BENCH_SIZES ?? '2000,20000,100000').split(',').map(Number);
const format = process.env.BENCH_FORMAT ?? 'yaml';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const results = path.join(root, 'bench/results');
if (!existsSync(cli)) {
  console.error(`Build the CLI first (pnpm --filter @icl/cli build): ${cli} is missing.`);
  process.exit(1);
}
if (format !== 'yaml' && format !== 'json') {
  console.error(`BENCH_FORMAT must be yaml or json, not ${format}.`);
  process.exit(1);
}
const stackFile = `icl-stack.${format}`;
const home = mkdtempSync(path.join(os.tmpdir(), 'icl-bench-scale-'));

const icl = (directory, args) =>
  measureCommand(process.execPath, [cli, ...args, '-f', stackFile], directory, iclEnvironment(directory));

/** The plan's summary line, to check that the engine did what is being timed. */
function planSummary(directory) {
  const plan = spawnSync(process.execPath, [cli, 'plan', '-f', stackFile, '--json'], {
    cwd: directory,
    env: iclEnvironment(directory),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (plan.status !== 0) throw new Error(`icl plan failed: ${plan.stderr}`);
  const counts = {};
  for (const change of JSON.parse(plan.stdout).changes)
    counts[change.action] = (counts[change.action] ?? 0) + 1;
  return counts;
}

const rows = [];
console.log(
  `engine scale: ${format} stacks of ${sizes.join(', ')} icl:Noop resources, half referencing the other half`,
);
console.log(
  `node ${process.version}; 1 apply and ${rounds} plans of each kind per size (medians); memory: ${peakMemorySource}`,
);
for (const count of sizes) {
  const directory = path.join(home, String(count));
  mkdirSync(directory);
  writeFileSync(path.join(directory, stackFile), noopStackText({ pairs: count / 2, format, name: 'scale' }));
  const apply = await icl(directory, ['apply', '--yes']);
  const unchanged = planSummary(directory);
  if (unchanged['no-op'] !== count)
    throw new Error(`The apply of ${count} did not converge: ${JSON.stringify(unchanged)}`);
  const plans = [];
  for (let round = 0; round < rounds; round += 1) plans.push(await icl(directory, ['plan']));
  const changed = count / 100;
  writeFileSync(
    path.join(directory, stackFile),
    noopStackText({ pairs: count / 2, format, name: 'scale', changed }),
  );
  const edited = planSummary(directory);
  if (edited.update !== changed)
    throw new Error(
      `Changing the inputs of ${changed} resources should update them: ${JSON.stringify(edited)}`,
    );
  const changedPlans = [];
  for (let round = 0; round < rounds; round += 1) changedPlans.push(await icl(directory, ['plan']));
  rmSync(directory, { recursive: true, force: true });
  const row = {
    resources: count,
    applyMilliseconds: apply.milliseconds,
    planMilliseconds: median(plans.map((sample) => sample.milliseconds)),
    changedPlanMilliseconds: median(changedPlans.map((sample) => sample.milliseconds)),
    peakKibibytes: Math.max(
      apply.kibibytes,
      ...plans.map((sample) => sample.kibibytes),
      ...changedPlans.map((sample) => sample.kibibytes),
    ),
  };
  rows.push(row);
  console.log(
    `${String(count).padStart(7)} resources: apply ${seconds(row.applyMilliseconds)} (${perResource(row.applyMilliseconds, count)})` +
      `  no-op plan ${seconds(row.planMilliseconds)} (${perResource(row.planMilliseconds, count)})` +
      `  plan after 1% changed ${seconds(row.changedPlanMilliseconds)} (${perResource(row.changedPlanMilliseconds, count)})` +
      `  peak ${(row.peakKibibytes / 1024).toFixed(0)} MiB`,
  );
}
rmSync(home, { recursive: true, force: true });

const checks = [];
const largest = rows.find((row) => row.resources === 100_000);
const middle = rows.find((row) => row.resources === 20_000);
if (largest) {
  checks.push(['apply of 100,000 from empty', largest.applyMilliseconds / 1000, 20, 's']);
  checks.push(['no-op plan of 100,000', largest.planMilliseconds / 1000, 5, 's']);
  checks.push(['peak RSS at 100,000', largest.peakKibibytes / 1024, 600, 'MiB']);
}
if (largest && middle) {
  for (const [label, key] of [
    ['apply', 'applyMilliseconds'],
    ['no-op plan', 'planMilliseconds'],
    ['plan after 1% changed', 'changedPlanMilliseconds'],
  ]) {
    const growth = largest[key] / largest.resources / (middle[key] / middle.resources);
    checks.push([`${label}: time per resource at 100,000 ÷ at 20,000`, growth, 1.5, '×']);
  }
}
console.log('');
for (const [label, value, limit, unit] of checks)
  console.log(
    `${label}: ${value.toFixed(2)} ${unit} (target ≤ ${limit} ${unit}: ${value <= limit ? 'PASS' : 'MISS'})`,
  );

mkdirSync(results, { recursive: true });
const name = `engine-scale-${format}`;
writeFileSync(
  path.join(results, `${name}.json`),
  `${JSON.stringify({ node: process.version, cpus: os.cpus().length, date: new Date().toISOString(), format, rows }, null, 2)}\n`,
);
writeFileSync(path.join(results, `${name}.svg`), chart(rows));
console.log(`\nfigures and chart: bench/results/${name}.json, bench/results/${name}.svg`);
if (checks.some(([, value, limit]) => value > limit)) {
  console.log('MISS: some targets were not met');
  process.exitCode = 1;
} else if (checks.length > 0) console.log('PASS: every target met');

function seconds(milliseconds) {
  return `${(milliseconds / 1000).toFixed(2)} s`;
}

function perResource(milliseconds, count) {
  return `${((milliseconds * 1000) / count).toFixed(1)} µs each`;
}

/** Time against resources on logarithmic axes, with a dotted line of slope 1 (linear growth) for each series. */
function chart(data) {
  const width = 640;
  const height = 420;
  const margin = { left: 70, right: 190, top: 30, bottom: 50 };
  const series = [
    ['apply from empty', 'applyMilliseconds', '#1f77b4'],
    ['no-op plan', 'planMilliseconds', '#d62728'],
    ['plan after 1% changed', 'changedPlanMilliseconds', '#2ca02c'],
  ];
  const xs = data.map((row) => row.resources);
  const ys = data.flatMap((row) => series.map(([, key]) => row[key] / 1000));
  const decade = (value, round) => 10 ** round(Math.log10(value));
  const [xMin, xMax] = [decade(Math.min(...xs), Math.floor), decade(Math.max(...xs), Math.ceil)];
  const [yMin, yMax] = [decade(Math.min(...ys), Math.floor), decade(Math.max(...ys), Math.ceil)];
  const x = (value) =>
    margin.left +
    ((Math.log10(value) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) *
      (width - margin.left - margin.right);
  const y = (value) =>
    height -
    margin.bottom -
    ((Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) *
      (height - margin.top - margin.bottom);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="18" font-size="14">ICL engine: seconds against resources (${format} stacks; both axes logarithmic)</text>`,
  ];
  for (let value = xMin; value <= xMax; value *= 10)
    parts.push(
      `<line x1="${x(value)}" y1="${margin.top}" x2="${x(value)}" y2="${height - margin.bottom}" stroke="#ddd"/>`,
      `<text x="${x(value)}" y="${height - margin.bottom + 16}" text-anchor="middle">${value.toLocaleString('en')}</text>`,
    );
  for (let value = yMin; value <= yMax * 1.0001; value *= 10)
    parts.push(
      `<line x1="${margin.left}" y1="${y(value)}" x2="${width - margin.right}" y2="${y(value)}" stroke="#ddd"/>`,
      `<text x="${margin.left - 6}" y="${y(value) + 4}" text-anchor="end">${value} s</text>`,
    );
  parts.push(
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 10}" text-anchor="middle">resources</text>`,
  );
  series.forEach(([label, key, colour], index) => {
    const points = data.map((row) => [x(row.resources), y(row[key] / 1000)]);
    const first = data[0];
    const linear = [first.resources, data.at(-1).resources].map((resources) => [
      x(resources),
      y(((first[key] / 1000) * resources) / first.resources),
    ]);
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1" stroke-dasharray="2 3" points="${linear.map((point) => point.join(',')).join(' ')}"/>`,
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((point) => point.join(',')).join(' ')}"/>`,
      ...points.map(([px, py]) => `<circle cx="${px}" cy="${py}" r="3" fill="${colour}"/>`),
      `<line x1="${width - margin.right + 12}" y1="${margin.top + 10 + index * 20}" x2="${width - margin.right + 32}" y2="${margin.top + 10 + index * 20}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${width - margin.right + 38}" y="${margin.top + 14 + index * 20}">${label}</text>`,
    );
  });
  parts.push(
    `<line x1="${width - margin.right + 12}" y1="${margin.top + 70}" x2="${width - margin.right + 32}" y2="${margin.top + 70}" stroke="#555" stroke-dasharray="2 3"/>`,
    `<text x="${width - margin.right + 38}" y="${margin.top + 74}">linear from the smallest</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}
