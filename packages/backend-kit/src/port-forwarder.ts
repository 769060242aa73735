import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendUnavailableError } from '@icl/core';
import { readJsonFile } from './read-json-file';
import { writeFileAtomically } from './write-file-atomically';

/** What a forwarding process writes once it listens: its id and the local port of each service port. */
export interface ForwardedPorts {
  readonly process: number;
  readonly ports: Readonly<Record<string, number>>;
}

/** Where a forwarding process is, what to hand it, and what to say when it does not start. */
export interface PortForwarderStart {
  /** The forwarding process's entry file (a `*-port-forward-main.js` of the backend). */
  readonly entry: string;
  /** Its request, handed over as JSON on standard input (never on the command line, never on disk). */
  readonly request: Record<string, unknown>;
  /** The run's directory on this machine: where the ports file and the process's log go. */
  readonly directory: string;
  readonly backendName: string;
  /** How to fix a forwarder that does not start listening. */
  readonly hint: string;
  readonly signal?: AbortSignal;
}

const startTimeoutMilliseconds = 15_000;

/**
 * Starts the detached process that keeps a service's ports reachable on this machine, so `icl run
 * --service` can exit and the endpoints keep answering, and waits until it listens. The process gets the
 * request with `portsFile` added: see {@link listenForPorts} and {@link announceForwardedPorts}.
 *
 * @throws BackendUnavailableError with the process's error output when it does not start listening.
 */
export async function startPortForwarder(start: PortForwarderStart): Promise<ForwardedPorts> {
  const portsFile = path.join(start.directory, 'forwarded-ports.json');
  const logFile = path.join(start.directory, 'port-forward.log');
  const log = openSync(logFile, 'a');
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, [start.entry], { detached: true, stdio: ['pipe', 'ignore', log] });
  } finally {
    closeSync(log);
  }
  child.stdin!.end(JSON.stringify({ ...start.request, portsFile }));
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + startTimeoutMilliseconds;
  for (;;) {
    const forwarded = await readJsonFile<ForwardedPorts>(portsFile).catch(() => undefined);
    if (forwarded) return forwarded;
    if (exited || Date.now() > deadline || start.signal?.aborted) {
      if (!exited && child.pid) process.kill(child.pid, 'SIGTERM');
      throw new BackendUnavailableError({
        backendName: start.backendName,
        message: `Could not forward the service's ports to this machine: ${lastLines(logFile) || 'the forwarding process did not start listening in time'}`,
        hint: start.hint,
      });
    }
    await sleep(50);
  }
}

/**
 * Stops a service's forwarding process, if it still runs, and waits until it is gone. Only a process
 * whose command line names `entryName` is signalled, so a reused process id never is.
 */
export async function stopPortForwarder(processId: number | undefined, entryName: string): Promise<void> {
  if (processId === undefined || !isForwarder(processId, entryName)) return;
  try {
    process.kill(processId, 'SIGTERM');
  } catch {
    return;
  }
  for (let attempt = 0; attempt < 100 && isForwarder(processId, entryName); attempt += 1) await sleep(20);
}

/** The local end of a forwarding process: the local port of each service port, and how to close them. */
export interface ListeningPorts {
  readonly ports: Readonly<Record<string, number>>;
  close(): void;
}

/**
 * In the forwarding process: listens on a free port of `host` for each service port and hands each
 * connection to `connect`. Once it can serve them, the process calls {@link announceForwardedPorts}.
 */
export async function listenForPorts(
  host: string,
  ports: readonly number[],
  connect: (port: number, socket: net.Socket) => void,
): Promise<ListeningPorts> {
  const servers = await Promise.all(
    ports.map(
      (port) =>
        new Promise<[number, net.Server]>((resolve, reject) => {
          const server = net.createServer((socket) => {
            socket.on('error', () => socket.destroy());
            connect(port, socket);
          });
          server.once('error', reject);
          server.listen(0, host, () => resolve([port, server]));
        }),
    ),
  );
  return {
    ports: Object.fromEntries(
      servers.map(([port, server]) => [String(port), (server.address() as net.AddressInfo).port]),
    ),
    close: () => {
      for (const [, server] of servers) server.close();
    },
  };
}

/** In the forwarding process: tells {@link startPortForwarder} it listens, and where. */
export function announceForwardedPorts(portsFile: string, listening: ListeningPorts): Promise<void> {
  return writeFileAtomically(portsFile, JSON.stringify({ process: process.pid, ports: listening.ports }));
}

/** Whether a process id is (still) a forwarding process, and not a zombie. */
function isForwarder(processId: number, entryName: string): boolean {
  try {
    const commandLine = readFileSync(`/proc/${processId}/cmdline`, 'utf8');
    const status = readFileSync(`/proc/${processId}/status`, 'utf8');
    return commandLine.includes(entryName) && !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}
