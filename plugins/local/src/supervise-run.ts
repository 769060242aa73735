import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { constants } from 'node:os';
import { writeFileAtomically } from '@icl/backend-kit/files';
import { setLongTimeout } from '@icl/core';
import { releaseGpus } from './gpu-claims';
import type { LaunchSpecification } from './launch-specification';
import { LocalRunDirectory, type ProcessExit } from './local-run-directory';
import { areRunProcessesAlive, stopRunProcesses } from './run-processes';

/** The program's process group and when it started, once it has (undefined when it could not start). */
export interface StartedProcess {
  processGroupId: number;
  startedAt: string;
}

/**
 * Runs one program to its end and writes how its process ended (`exit.json`). The program gets its own
 * process group (so its whole tree can be stopped) and writes its output straight into the run's log
 * files through inherited descriptors, so no output is lost or reordered even if the supervisor dies.
 * The supervisor stops the program at its timeout, stops what it left behind (see `RunProcesses`), and releases its
 * GPUs; the backend kit turns the exit into the run's final state.
 *
 * The supervisor is the calling process for attached runs and a separate Node.js process for detached
 * ones; the code is the same.
 *
 * @param onStarted - called once the program has started, or with undefined when it could not.
 */
export async function superviseRun(
  specification: LaunchSpecification,
  onStarted: (started: StartedProcess | undefined) => void,
): Promise<ProcessExit> {
  const directory = new LocalRunDirectory(specification.directory);
  const stdout = await fs.open(directory.output('stdout'), 'a');
  const stderr = await fs.open(directory.output('stderr'), 'a');
  const child = spawn(specification.command, specification.arguments, {
    cwd: directory.work,
    env: specification.environment,
    stdio: ['ignore', stdout.fd, stderr.fd],
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    },
  );
  const processGroupId = child.pid;
  let timedOut = false;
  let cancelTimeout: (() => void) | undefined;
  if (processGroupId === undefined) onStarted(undefined);
  else {
    onStarted({ processGroupId, startedAt: new Date().toISOString() });
    if (specification.timeoutMilliseconds !== undefined) {
      // Any duration a user may write (`--timeout 30d`), beyond what one Node.js timer takes.
      cancelTimeout = setLongTimeout(() => {
        timedOut = true;
        void stopRunProcesses(
          { processGroupId, runId: specification.runId },
          specification.graceMilliseconds,
        );
      }, specification.timeoutMilliseconds);
    }
  }

  const outcome = await exited;
  cancelTimeout?.();
  await Promise.all([stdout.close(), stderr.close()]);
  // A run's processes end with the run: stop what the program left behind, in its group or not.
  const processes = processGroupId === undefined ? undefined : { processGroupId, runId: specification.runId };
  if (processes !== undefined && areRunProcessesAlive(processes))
    await stopRunProcesses(processes, specification.graceMilliseconds);
  const exit: ProcessExit = { timedOut, endedAt: new Date().toISOString() };
  if (outcome.error) exit.error = `Could not start ${specification.command}: ${outcome.error.message}`;
  else if (outcome.code !== null) exit.exitCode = outcome.code;
  else if (outcome.signal) exit.exitCode = 128 + (constants.signals[outcome.signal] ?? 0);
  await writeFileAtomically(directory.exit, JSON.stringify(exit));
  if (specification.gpus.length > 0 && specification.gpuClaimDirectory)
    await releaseGpus(specification.gpuClaimDirectory, specification.runId);
  return exit;
}
