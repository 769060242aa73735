import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readJsonFile } from '@icl/backend-kit';
import { BackendUnavailableError } from '@icl/core';
import type { PortForwardRequest } from './port-forward-main';

/** What the forwarding process writes once it listens: its id and the local port of each service port. */
interface ForwardedPorts {
  process: number;
  ports: Record<string, number>;
}

/** How long the forwarding process may take to listen before the service is given up. */
const startTimeoutMilliseconds = 15_000;

/**
 * Starts the detached process that forwards a service's ports to this machine (see
 * `port-forward-main.ts`) and waits until it listens. Resolves with its process id and the local port of
 * each of the service's ports.
 *
 * @throws BackendUnavailableError with the process's error output when it does not start listening.
 */
export async function startPortForward(
  directory: string,
  request: Omit<PortForwardRequest, 'portsFile'>,
  signal: AbortSignal | undefined,
): Promise<ForwardedPorts> {
  const portsFile = path.join(directory, 'forwarded-ports.json');
  const logFile = path.join(directory, 'port-forward.log');
  const log = openSync(logFile, 'a');
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, [portForwardEntry()], {
      detached: true,
      stdio: ['pipe', 'ignore', log],
    });
  } finally {
    closeSync(log);
  }
  child.stdin!.end(JSON.stringify({ ...request, portsFile }));
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + startTimeoutMilliseconds;
  // Waiting for a file the child writes once; the child does the watching of the cluster.
  for (;;) {
    const forwarded = await readJsonFile<ForwardedPorts>(portsFile).catch(() => undefined);
    if (forwarded) return forwarded;
    if (exited || Date.now() > deadline || signal?.aborted) {
      if (!exited && child.pid) process.kill(child.pid, 'SIGTERM');
      throw new BackendUnavailableError({
        backendName: 'k8s',
        message: `Could not forward the service's ports to this machine: ${lastLines(logFile) || 'the forwarding process did not start listening in time'}`,
        hint: 'Check that your kubeconfig allows pods/portforward in the namespace (kubectl port-forward uses the same).',
      });
    }
    await sleep(50);
  }
}

/** Stops a service's forwarding process, if it still runs, and waits until it is gone. */
export async function stopPortForward(processId: number | undefined): Promise<void> {
  if (processId === undefined || !isPortForwardProcess(processId)) return;
  try {
    process.kill(processId, 'SIGTERM');
  } catch {
    return;
  }
  for (let attempt = 0; attempt < 100 && isPortForwardProcess(processId); attempt += 1) await sleep(20);
}

/** Whether a process id is (still) a forwarding process, so a reused id is never signalled. */
function isPortForwardProcess(processId: number): boolean {
  try {
    const commandLine = readFileSync(`/proc/${processId}/cmdline`, 'utf8');
    const status = readFileSync(`/proc/${processId}/status`, 'utf8');
    return commandLine.includes('port-forward-main') && !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

/** The entry of the forwarding process: next to this module when bundled, else the package's build. */
function portForwardEntry(): string {
  const beside = fileURLToPath(new URL('./port-forward-main.js', import.meta.url));
  return existsSync(beside)
    ? beside
    : fileURLToPath(new URL('../dist/port-forward-main.js', import.meta.url));
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}
