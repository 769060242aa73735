#!/usr/bin/env node
// The plan/apply engine against Terraform on the same graph: 1,000 independent no-op resources and
// 1,000 that each reference one of them (ICL `icl:Noop`, Terraform's built-in `terraform_data`). Both
// run through their CLIs in a fresh directory: apply from empty (state written at every step), then
// a plan with nothing to change (each refreshes every resource first). Prints wall times, peak
// memory (maximum resident set, from /usr/bin/time or /proc/<pid>/status) and the ratios.
// Targets: apply at least 30× faster, no-op plan at least 20× faster, peak memory at most 1/5.
//
// Plans are measured alternately (ICL, Terraform, ICL, …) so both see the same load on the machine.
//
// BENCH_RESOURCES (default 1000 of each kind), BENCH_ROUNDS (ICL applies and both tools' plans,
// default 5; medians count), BENCH_TERRAFORM_ROUNDS (Terraform applies, default 1: one takes minutes),
// TERRAFORM (the binary to use), BENCH_MEMORY=proc (poll /proc/<pid>/status even where GNU time exists).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { iclEnvironment } from './icl-environment.mjs';
import { noopStackText } from './noop-stack.mjs';
import { measureCommand as measure, peakMemorySource } from './peak-memory.mjs';
import { median } from './wall-time.mjs';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'apps/cli/dist/bin.js');
const count = Number(process.env.BENCH_RESOURCES ?? 1000);
const iclRounds = Number(process.env.BENCH_ROUNDS ?? 5);
const terraformRounds = Number(process.env.BENCH_TERRAFORM_ROUNDS ?? 1);
if (!existsSync(cli)) {
  console.error(`Build the CLI first (pnpm --filter @icl/cli build): ${cli} is missing.`);
  process.exit(1);
}
const terraform = findTerraform();
const home = mkdtempSync(path.join(os.tmpdir(), 'icl-bench-engine-'));
function findTerraform() {
  const candidates = [
    process.env.TERRAFORM,
    'terraform',
    'tofu',
    path.join(os.homedir(), 'go/bin/tofu'),
  ].filter(Boolean);
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    if (probe.status === 0) return { binary: candidate, version: probe.stdout.split('\n')[0] };
  }
  // No binary: build OpenTofu from its Go module, where Go is installed.
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status === 0) {
    console.log('No terraform or tofu binary; building OpenTofu with `go install` (this takes a while)…');
    const built = spawnSync('go', ['install', 'github.com/opentofu/opentofu/cmd/tofu@latest'], {
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    const binary = path.join(
      spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout.trim() || path.join(os.homedir(), 'go'),
      'bin',
      'tofu',
    );
    if (built.status === 0 && existsSync(binary)) {
      const probe = spawnSync(binary, ['version'], { encoding: 'utf8' });
      return { binary, version: probe.stdout.split('\n')[0] };
    }
    console.error(`Building OpenTofu failed: ${built.stderr}`);
  }
  console.error(
    'No Terraform to compare with: neither `terraform` nor `tofu` runs here, and OpenTofu could not be built (no Go toolchain, or the build failed). Set TERRAFORM to a binary.',
  );
  process.exit(1);
}

function terraformConfiguration() {
  const blocks = [];
  for (let index = 0; index < count; index += 1)
    blocks.push(`resource "terraform_data" "a${index}" {\n  input = "value-${index}"\n}\n`);
  for (let index = 0; index < count; index += 1)
    blocks.push(`resource "terraform_data" "b${index}" {\n  input = terraform_data.a${index}.output\n}\n`);
  return blocks.join('\n');
}

function terraformEnvironment(directory) {
  return {
    ...process.env,
    TF_IN_AUTOMATION: '1',
    TF_CLI_CONFIG_FILE: path.join(directory, 'cli.tfrc'),
    CHECKPOINT_DISABLE: '1',
  };
}

const iclRun = (directory, args) =>
  measure(process.execPath, [cli, ...args, '-f', 'icl-stack.json'], directory, iclEnvironment(directory));
const terraformRun = (directory, args) =>
  measure(
    terraform.binary,
    [...args, '-input=false', '-no-color'],
    directory,
    terraformEnvironment(directory),
  );

/** Applies the graph from empty in fresh directories; returns the samples and one applied directory. */
async function iclApplies() {
  const samples = [];
  for (let round = 0; round < iclRounds; round += 1) {
    const directory = path.join(home, `icl-${round}`);
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'icl-stack.json'), noopStackText({ pairs: count, format: 'json' }));
    samples.push(await iclRun(directory, ['apply', '--yes']));
  }
  const directory = path.join(home, 'icl-0');
  const check = spawnSync(process.execPath, [cli, 'plan', '-f', 'icl-stack.json'], {
    cwd: directory,
    env: iclEnvironment(directory),
    encoding: 'utf8',
  });
  if (!check.stdout.includes(`(${2 * count} resources)`))
    throw new Error(`ICL did not converge: ${check.stdout}`);
  return { samples, directory };
}

async function terraformApplies() {
  const samples = [];
  for (let round = 0; round < terraformRounds; round += 1) {
    const directory = path.join(home, `terraform-${round}`);
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'main.tf'), terraformConfiguration());
    writeFileSync(path.join(directory, 'cli.tfrc'), '');
    execFileSync(terraform.binary, ['init', '-input=false'], {
      cwd: directory,
      env: terraformEnvironment(directory),
      stdio: 'ignore',
    });
    samples.push(await terraformRun(directory, ['apply', '-auto-approve']));
  }
  return { samples, directory: path.join(home, 'terraform-0') };
}

const summarize = (samples) => ({
  milliseconds: median(samples.map((sample) => sample.milliseconds)),
  kibibytes: Math.max(...samples.map((sample) => sample.kibibytes)),
});
const seconds = (milliseconds) => `${(milliseconds / 1000).toFixed(2)} s`;
const mebibytes = (kibibytes) => `${(kibibytes / 1024).toFixed(0)} MiB`;

console.log(`graph: ${count} independent + ${count} dependent no-op resources`);
console.log(`ICL:       node ${process.version}; ${iclRounds} applies, ${iclRounds} plans; medians`);
console.log(
  `Terraform: ${terraform.version} (${terraform.binary}); ${terraformRounds} apply, ${iclRounds} plans, alternating with ICL's; medians`,
);
console.log(`memory:    ${peakMemorySource} (peak resident set)`);
const iclApplied = await iclApplies();
const terraformApplied = await terraformApplies();
const iclPlans = [];
const terraformPlans = [];
for (let round = 0; round < iclRounds; round += 1) {
  iclPlans.push(await iclRun(iclApplied.directory, ['plan']));
  terraformPlans.push(await terraformRun(terraformApplied.directory, ['plan']));
}
rmSync(home, { recursive: true, force: true });

const rows = [
  ['apply from empty', summarize(iclApplied.samples), summarize(terraformApplied.samples), 30],
  ['no-op plan', summarize(iclPlans), summarize(terraformPlans), 20],
];
let missed = false;
for (const [label, ours, theirs, target] of rows) {
  const speedup = theirs.milliseconds / ours.milliseconds;
  const memory = theirs.kibibytes / ours.kibibytes;
  console.log('');
  console.log(`${label}:`);
  console.log(`  ICL        ${seconds(ours.milliseconds).padStart(9)}   peak ${mebibytes(ours.kibibytes)}`);
  console.log(
    `  Terraform  ${seconds(theirs.milliseconds).padStart(9)}   peak ${mebibytes(theirs.kibibytes)}`,
  );
  console.log(
    `  ICL is ${speedup.toFixed(1)}× faster (target ≥ ${target}×: ${speedup >= target ? 'PASS' : 'MISS'}) and uses ${memory.toFixed(1)}× less memory (target ≥ 5×: ${memory >= 5 ? 'PASS' : 'MISS'})`,
  );
  if (speedup < target || memory < 5) missed = true;
}
console.log('');
console.log(missed ? 'MISS: some targets were not met' : 'PASS: every target met');
