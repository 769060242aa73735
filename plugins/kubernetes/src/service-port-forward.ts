import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ForwardedPorts, startPortForwarder, stopPortForwarder } from '@icl/backend-kit';
import type { PortForwardRequest } from './port-forward-main';

/**
 * Starts the detached process that forwards a service's ports to this machine (see
 * `port-forward-main.ts`) and waits until it listens. Resolves with its process id and the local port of
 * each of the service's ports.
 *
 * @throws BackendUnavailableError with the process's error output when it does not start listening.
 */
export function startPortForward(
  directory: string,
  request: Omit<PortForwardRequest, 'portsFile'>,
  signal: AbortSignal | undefined,
): Promise<ForwardedPorts> {
  return startPortForwarder({
    entry: portForwardEntry(),
    request: { ...request },
    directory,
    backendName: 'k8s',
    hint: 'Check that your kubeconfig allows pods/portforward in the namespace (kubectl port-forward uses the same).',
    ...(signal ? { signal } : {}),
  });
}

/** Stops a service's forwarding process, if it still runs, and waits until it is gone. */
export function stopPortForward(processId: number | undefined): Promise<void> {
  return stopPortForwarder(processId, 'port-forward-main');
}

/** The entry of the forwarding process: next to this module when bundled, else the package's build. */
function portForwardEntry(): string {
  const beside = fileURLToPath(new URL('./port-forward-main.js', import.meta.url));
  return existsSync(beside)
    ? beside
    : fileURLToPath(new URL('../dist/port-forward-main.js', import.meta.url));
}
