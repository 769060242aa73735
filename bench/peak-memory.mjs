// Wall time and peak resident memory of one command, shared by the benches that weigh memory.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timeCommand } from './wall-time.mjs';

/**
 * How peak memory is read: GNU time's maximum resident set where it exists, otherwise VmHWM polled
 * from /proc/<pid>/status (BENCH_MEMORY=proc forces the second).
 */
export const peakMemorySource =
  process.env.BENCH_MEMORY !== 'proc' &&
  existsSync('/usr/bin/time') &&
  spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0
    ? '/usr/bin/time %M'
    : '/proc/<pid>/status VmHWM';

/**
 * Runs a command to its end; returns its wall time (ms) and peak resident memory (KiB).
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @param {NodeJS.ProcessEnv} environment
 * @returns {Promise<{ milliseconds: number, kibibytes: number }>}
 * @throws {Error} with the command's stderr when it exits non-zero.
 */
export async function measureCommand(command, args, cwd, environment) {
  if (peakMemorySource.startsWith('/usr/bin/time')) {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'icl-bench-time-'));
    const report = path.join(directory, 'report');
    try {
      const milliseconds = timeCommand('/usr/bin/time', ['-f', '%M', '-o', report, command, ...args], {
        cwd,
        env: environment,
      });
      return { milliseconds, kibibytes: Number(readFileSync(report, 'utf8').trim().split('\n').at(-1)) };
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
  return measureWithProc(command, args, cwd, environment);
}

/** Without GNU time: polls VmHWM (the peak resident set) of the process while it runs. */
function measureWithProc(command, args, cwd, environment) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env: environment, stdio: ['ignore', 'ignore', 'pipe'] });
    let peak = 0;
    let stderr = '';
    child.stderr.on('data', (text) => {
      stderr += text;
    });
    const poll = setInterval(() => {
      try {
        const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peak = Math.max(peak, Number(match[1]));
      } catch {}
    }, 5);
    child.once('close', (code) => {
      clearInterval(poll);
      const milliseconds = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`));
      else resolve({ milliseconds, kibibytes: peak });
    });
  });
}
