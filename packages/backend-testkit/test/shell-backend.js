// A complete third-party backend written on the run driver of @icl/backend-kit: each run is a detached
// `sh` in a directory of its own on this machine. The driver only submits, observes, reads, stops and
// removes; createRunBackend adds the run's records, one end, logs, waiting, cancel and readiness.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createRunBackend, programCommand } from '@icl/backend-kit';

/** @param {string} word */
const quote = (word) => `'${word.replaceAll("'", "'\\''")}'`;

/** Where a run's files are: the program's working directory, ICL's files and the shell's. */
/** @param {string} directory */
const pathsOf = (directory) => ({
  workspace: path.join(directory, 'work'),
  icl: path.join(directory, 'icl'),
  output: (/** @type {'stdout' | 'stderr'} */ stream) => path.join(directory, 'shell', `${stream}.txt`),
  exitCode: path.join(directory, 'shell', 'exit-code'),
});

/** @param {number} processGroup @param {NodeJS.Signals | 0} signal */
function signalGroup(processGroup, signal) {
  try {
    process.kill(-processGroup, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

/** @type {import('@icl/backend-kit').RunDriver<{ directory: string, processGroup: number, startedAt: string, timeout: boolean }>} */
const shellDriver = {
  name: 'shell',
  // Besides what the kit gives every driver (jobs, following logs, cancel, detached runs).
  capabilities: { files: true, pythonFunctions: true, timeout: true },
  // `timeout` from coreutils stops the program, whoever watches.
  enforcesTimeouts: true,

  async inventory() {
    return { nodes: [{ name: os.hostname(), cpus: os.cpus().length, memoryBytes: os.totalmem(), gpus: [] }] };
  },

  async submit(request, { directory }) {
    const paths = pathsOf(directory);
    for (const folder of [paths.workspace, paths.icl, path.dirname(paths.exitCode)]) mkdirSync(folder);
    const { program } = request;
    if (program.kind !== 'command')
      cpSync(program.path, path.join(paths.workspace, path.basename(program.path)));
    for (const file of request.runtime.files ?? [])
      cpSync(file.src, path.join(paths.workspace, file.dst ?? path.basename(file.src)), { recursive: true });
    if (program.kind === 'function')
      writeFileSync(path.join(paths.icl, 'parameters.json'), JSON.stringify(program.parameters ?? {}));
    let argv = programCommand(program, paths).argv;
    if (request.timeoutMilliseconds !== undefined)
      argv = ['timeout', '-k', '5', `${request.timeoutMilliseconds / 1000}`, ...argv];
    const script = `${argv.map(quote).join(' ')} >${quote(paths.output('stdout'))} 2>${quote(paths.output('stderr'))}
echo $? >${quote(`${paths.exitCode}.tmp`)} && mv ${quote(`${paths.exitCode}.tmp`)} ${quote(paths.exitCode)}`;
    // The environment may hold secrets: it reaches the program through the shell's, never through a file.
    const shell = spawn('sh', ['-c', script], {
      cwd: paths.workspace,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ...request.environment },
    });
    shell.unref();
    const record = {
      directory,
      processGroup: /** @type {number} */ (shell.pid),
      startedAt: new Date().toISOString(),
      timeout: request.timeoutMilliseconds !== undefined,
    };
    return record;
  },

  async observe(record) {
    const paths = pathsOf(record.directory);
    if (!existsSync(record.directory)) return { status: 'gone' };
    if (existsSync(paths.exitCode)) {
      const exitCode = Number(readFileSync(paths.exitCode, 'utf8'));
      const times = { startedAt: record.startedAt, endedAt: statSync(paths.exitCode).mtime.toISOString() };
      // GNU timeout exits 124 when it stopped the program, 137 when it had to kill it.
      if (record.timeout && (exitCode === 124 || exitCode === 137)) return { status: 'timed-out', ...times };
      return { status: 'exited', exitCode, ...times };
    }
    if (signalGroup(record.processGroup, 0)) return { status: 'running', startedAt: record.startedAt };
    return {
      status: 'failed',
      reason: 'The shell running the program ended without an exit code (it was killed).',
    };
  },

  async *readOutput(record, { follow, signal }) {
    const paths = pathsOf(record.directory);
    const offsets = { stdout: 0, stderr: 0 };
    for (;;) {
      const ended = existsSync(paths.exitCode) || !signalGroup(record.processGroup, 0); // before reading: nothing missed
      for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
        const handle = await open(paths.output(stream), 'r').catch(() => undefined);
        if (!handle) continue;
        try {
          const buffer = Buffer.alloc(Math.max(0, (await handle.stat()).size - offsets[stream]));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, offsets[stream]);
          offsets[stream] += bytesRead;
          if (bytesRead > 0) yield { stream, bytes: buffer.subarray(0, bytesRead) };
        } finally {
          await handle.close();
        }
      }
      if (ended || !follow || signal.aborted) return;
      await delay(50);
    }
  },

  async readResult(record) {
    const file = path.join(pathsOf(record.directory).icl, 'result.json');
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  },

  async stop(record) {
    signalGroup(record.processGroup, 'SIGTERM');
    for (let waited = 0; waited < 5000 && signalGroup(record.processGroup, 0); waited += 50) await delay(50);
    signalGroup(record.processGroup, 'SIGKILL');
  },

  async remove(record) {
    const paths = pathsOf(record.directory);
    for (const folder of [paths.workspace, paths.icl, path.dirname(paths.exitCode)])
      rmSync(folder, { recursive: true, force: true });
  },
};

/** @type {import('@icl/core').BackendFactoryV1} */
export function createShellBackend(_settings, context) {
  return createRunBackend(shellDriver, context);
}
