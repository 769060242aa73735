/**
 * The process that keeps a service's ports on an SSH host reachable on this machine: it listens on
 * 127.0.0.1 (or the service's host) on free ports, forwards each connection through its own SSH
 * connection to the port on the host (what `ssh -L` does), and exits once the run has ended there. It
 * runs detached from the process that started the service, so `icl run --service` can exit and the
 * endpoints keep answering; a host that drops off is reconnected to when it answers again.
 *
 * It reads its request as JSON on standard input.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { announceForwardedPorts, listenForPorts } from '@icl/backend-kit';
import { observeScript } from './host-supervisor';
import { type SshConnectionSettings, SshConnections } from './ssh-connections';
import type { SshHost } from './ssh-host';

/** What the forwarding process is asked to do. */
export interface SshPortForwardRequest {
  settings: SshConnectionSettings;
  host: SshHost;
  /** The run's directory on the host, relative to the login's home. */
  directory: string;
  /** The ports the service listens on, on the host. */
  ports: number[];
  /** The local address to listen on. */
  listenHost: string;
  /** Where to write `{ process, ports }` once listening. */
  portsFile: string;
}

async function readRequest(): Promise<SshPortForwardRequest> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text) as SshPortForwardRequest;
}

async function main(): Promise<void> {
  const request = await readRequest();
  const connections = new SshConnections({ ...request.settings, acceptNewHostKeys: false });
  await connections.connect(request.host);
  const listening = await listenForPorts(request.listenHost, request.ports, (port, socket) => {
    connections
      .connect(request.host)
      .then((connection) => connection.forwardOut('127.0.0.1', 0, '127.0.0.1', port))
      .then(
        (channel) => {
          socket.pipe(channel).pipe(socket);
          channel.on('close', () => socket.destroy());
          channel.on('error', () => socket.destroy());
          socket.on('close', () => channel.close());
        },
        () => socket.destroy(),
      );
  });
  const stop = async () => {
    listening.close();
    await connections.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  await announceForwardedPorts(request.portsFile, listening);
  for (;;) {
    await sleep(2000);
    const looked = await connections
      .run(request.host, observeScript, [request.directory])
      .catch(() => undefined);
    const status = looked?.stdout.split('\n')[0];
    if (status === 'ended' || status === 'gone' || status === 'lost') break;
  }
  await stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`icl ssh port-forward: ${(error as Error).message}\n`);
  process.exit(1);
});
