import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import type { JsonValue } from '@icl/core';
import { releaseGpus } from './gpu-claims';
import type { LaunchSpecification } from './launch-specification';
import { LocalRunDirectory } from './local-run-directory';
import { type LocalRunState, writeFinalState, writeLiveState } from './local-run-state';
import { isProcessGroupAlive, stopProcessGroup } from './process-group';

/** Called once the program has started (or failed to), before it ends. */
export type StartedCallback = (state: LocalRunState) => void;

/**
 * Runs one program to its end and records how it ended. The program gets its own process group (so its
 * whole tree can be stopped) and writes its output straight into the run's log files through inherited
 * descriptors, so no output is lost or reordered even if the supervisor itself dies.
 *
 * The supervisor is the calling process for attached runs and a separate Node.js process for detached
 * ones; the code is the same.
 */
export async function superviseRun(
  specification: LaunchSpecification,
  onStarted?: StartedCallback,
): Promise<LocalRunState> {
  const directory = new LocalRunDirectory(specification.directory);
  const stdout = await fs.open(directory.stdout, 'a');
  const stderr = await fs.open(directory.stderr, 'a');
  const startedAt = new Date().toISOString();

  const child = spawn(specification.command, specification.arguments, {
    cwd: directory.work,
    env: specification.environment,
    stdio: ['ignore', stdout.fd, stderr.fd],
    detached: true,
  });

  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const processGroupId = child.pid;

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    },
  );

  if (processGroupId !== undefined) {
    const running: LocalRunState = {
      status: 'running',
      startedAt,
      supervisorPid: process.pid,
      processGroupId,
      gpus: specification.gpus,
    };
    await writeLiveState(directory, running);
    onStarted?.(running);
    if (specification.timeoutMilliseconds !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        void stopProcessGroup(processGroupId, specification.graceMilliseconds);
      }, specification.timeoutMilliseconds);
    }
  }

  const outcome = await exited;
  if (timer) clearTimeout(timer);
  await Promise.all([stdout.close(), stderr.close()]);
  // A run's processes end with the run: stop what the program left behind in its group.
  if (processGroupId !== undefined && isProcessGroupAlive(processGroupId)) {
    await stopProcessGroup(processGroupId, specification.graceMilliseconds);
  }

  const ended: LocalRunState = {
    status: 'failed',
    startedAt,
    endedAt: new Date().toISOString(),
    supervisorPid: process.pid,
    gpus: specification.gpus,
  };
  if (processGroupId !== undefined) ended.processGroupId = processGroupId;
  if (outcome.code !== null) ended.exitCode = outcome.code;

  if (outcome.error) {
    ended.reason = `Could not start ${specification.command}: ${outcome.error.message}`;
  } else if (await exists(directory.cancelRequested)) {
    ended.status = 'cancelled';
    ended.reason = 'Cancelled by request.';
  } else if (timedOut) {
    ended.status = 'timed-out';
    ended.reason = `Stopped after the timeout of ${specification.timeoutMilliseconds} ms.`;
    delete ended.exitCode;
  } else if (outcome.code === 0) {
    if (specification.returnsResult) {
      const result = await readResult(directory);
      if (result.ok) {
        ended.status = 'succeeded';
        ended.result = result.value;
      } else {
        ended.reason = result.reason;
      }
    } else {
      ended.status = 'succeeded';
    }
  } else if (outcome.signal) {
    ended.reason = `Killed by ${outcome.signal}.`;
  } else {
    ended.reason = `Exited with code ${outcome.code}.`;
  }

  const final = await writeFinalState(directory, ended);
  if (specification.gpuClaimDirectory)
    await releaseGpus(specification.gpuClaimDirectory, specification.runId);
  return final;
}

async function readResult(
  directory: LocalRunDirectory,
): Promise<{ ok: true; value: JsonValue } | { ok: false; reason: string }> {
  try {
    return { ok: true, value: JSON.parse(await fs.readFile(directory.result, 'utf8')) as JsonValue };
  } catch (error) {
    return {
      ok: false,
      reason: `The function returned, but its result could not be read: ${(error as Error).message}`,
    };
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
