// Wall-time measurement shared by the bench scripts: one command's wall time, and the median of many.
import { spawnSync } from 'node:child_process';

/**
 * Runs a command to its end and returns its wall time in milliseconds.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @throws {Error} with the command's stderr when it exits non-zero, so a bench never times a failure.
 */
export function timeCommand(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    ...options,
    // Output is not kept: a command that prints much must not fill a buffer and be killed for it.
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const milliseconds = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return milliseconds;
}

/**
 * The median of a list of numbers.
 * @param {number[]} values
 */
export function median(values) {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
