/**
 * The process that keeps a service's ports reachable on this machine: it listens on 127.0.0.1 (or the
 * service's host) on free ports, forwards each connection through the API server to a ready pod of the
 * service (the same tunnel `kubectl port-forward` uses), writes the ports it listens on to a file, and
 * exits once the service's Deployment is gone. It runs detached from the process that started the
 * service, so `icl run --service` can exit and the endpoints keep answering.
 *
 * It reads its request as JSON on standard input, so a kubeconfig handed over as text never touches the
 * disk or the process list.
 */
import { announceForwardedPorts, listenForPorts } from '@icl/backend-kit';
import { isPodReady } from './is-pod-ready';
import type { KubernetesBackendSettings } from './kubernetes-backend-settings';
import { KubernetesConnection } from './kubernetes-connection';
import { RunObserver } from './run-observer';

/** What the port-forwarding process is asked to do. */
export interface PortForwardRequest {
  /** Connection settings (kubeconfig, context). */
  settings: Pick<KubernetesBackendSettings, 'kubeconfig' | 'context'>;
  /** A kubeconfig as text, when the backend was given one. */
  kubeconfigContent?: string;
  namespace: string;
  /** The Deployment's name. */
  name: string;
  runId: string;
  /** The ports the service listens on in its pod. */
  ports: number[];
  /** The local address to listen on. */
  host: string;
  /** Where to write `{ process, ports: { "<pod port>": <local port> } }` once listening. */
  portsFile: string;
}

async function readRequest(): Promise<PortForwardRequest> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text) as PortForwardRequest;
}

async function main(): Promise<void> {
  const request = await readRequest();
  const connection = new KubernetesConnection(request.settings, request.kubeconfigContent, 'k8s');
  const client = await connection.client();
  const forward = new client.library.PortForward(client.kubeConfig);
  let readyPod: string | undefined;

  const listening = await listenForPorts(request.host, request.ports, (port, socket) => {
    const pod = readyPod;
    if (!pod) {
      socket.destroy();
      return;
    }
    forward.portForward(request.namespace, pod, [port], socket, null, socket).then(
      (tunnel) => {
        const webSocket = typeof tunnel === 'function' ? tunnel() : tunnel;
        if (!webSocket) return socket.destroy();
        webSocket.on('close', () => socket.end());
        webSocket.on('error', () => socket.destroy());
        socket.on('close', () => webSocket.close());
      },
      () => socket.destroy(),
    );
  });
  const stop = () => {
    listening.close();
    connection.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const observer = new RunObserver(connection, {
    runId: request.runId,
    namespace: request.namespace,
    name: request.name,
    workload: 'service',
  });
  let announced = false;
  await observer.watch(async (observed) => {
    readyPod = observed.pods.find(isPodReady)?.metadata?.name;
    if (!announced) {
      announced = true;
      await announceForwardedPorts(request.portsFile, listening);
    }
    return { done: observed.workload === undefined };
  }, new AbortController().signal);
  stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`icl port-forward: ${(error as Error).message}\n`);
  process.exit(1);
});
