// Runs one program of the process backend in its own process group and records how it ended. Started
// detached by the backend, so the run outlives whoever started it. Usage: node process-supervisor.js <run directory>
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeFinalState } from './process-backend.js';

const directory = String(process.argv[2]);
const { command, cwd, timeoutMilliseconds } = JSON.parse(
  readFileSync(path.join(directory, 'request.json'), 'utf8'),
);
const output = (/** @type {string} */ stream) => openSync(path.join(directory, `${stream}.log`), 'a');
/** @type {string | undefined} */
let startedAt;
const child = spawn(command[0], command.slice(1), {
  cwd,
  env: process.env, // the backend started this supervisor with the program's environment
  detached: true,
  stdio: ['ignore', output('stdout'), output('stderr')],
});
const killGroup = () => {
  try {
    process.kill(-Number(child.pid), 'SIGKILL');
  } catch {}
};
child.on('error', (error) =>
  writeFinalState(directory, { status: 'failed', reason: `could not start: ${error.message}` }),
);
child.on('spawn', () => {
  startedAt = new Date().toISOString();
  const startedFile = path.join(directory, 'started.json');
  writeFileSync(`${startedFile}.partial`, JSON.stringify({ pid: child.pid, startedAt }));
  renameSync(`${startedFile}.partial`, startedFile); // readers never see a half-written file
  if (timeoutMilliseconds === undefined) return;
  setTimeout(() => {
    if (
      writeFinalState(directory, {
        status: 'timed-out',
        startedAt,
        reason: `timed out after ${timeoutMilliseconds} ms`,
      })
    )
      killGroup();
  }, timeoutMilliseconds).unref();
});
child.on('exit', (code, signal) => {
  const resultFile = path.join(directory, 'result.json');
  const result =
    code === 0 && existsSync(resultFile) ? { result: JSON.parse(readFileSync(resultFile, 'utf8')) } : {};
  if (code === null)
    writeFinalState(directory, { status: 'failed', startedAt, reason: `killed by ${signal}` });
  else
    writeFinalState(directory, {
      status: code === 0 ? 'succeeded' : 'failed',
      exitCode: code,
      startedAt,
      ...result,
    });
  killGroup(); // whatever the program left running ends with it
});
