#!/usr/bin/env node
// The pip example's first run (venv built from PyPI, in an empty cache) against its second run
// (venv reused), measured in the same run. Target: the second starts at least 5x faster.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timeCommand } from './wall-time.mjs';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'apps/cli/dist/bin.js');
const home = mkdtempSync(path.join(os.tmpdir(), 'icl-bench-'));
const environment = {
  ...process.env,
  ICL_STATE_DIR: path.join(home, 'state'),
  ICL_CACHE_DIR: path.join(home, 'cache'),
  ICL_CONFIG: path.join(home, 'config.yaml'),
};
const args = [cli, 'run', 'examples/pip/table.py'];

const time = () => timeCommand(process.execPath, args, { cwd: root, env: environment });
const first = time();
const second = time();
rmSync(home, { recursive: true, force: true });
console.log(`first run (builds the venv)   ${first.toFixed(0)} ms`);
console.log(`second run (reuses the venv)  ${second.toFixed(0)} ms`);
console.log(
  `speed-up ${(first / second).toFixed(1)}x (target: at least 5x) ${first / second >= 5 ? 'PASS' : 'MISS'}`,
);
