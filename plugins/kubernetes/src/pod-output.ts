import type { KubernetesConnection } from './kubernetes-connection';
import { programContainerName } from './pod-template';

/**
 * The raw output of a pod's program container, from its start: what the output wrapper wrote, still
 * framed. With `follow`, the stream goes on until the container has ended; without it, it ends at the
 * output so far.
 *
 * @throws the connection's explained error when the API server refuses (a container that has not
 *   started, RBAC on `pods/log`).
 */
export async function* podOutput(
  connection: KubernetesConnection,
  namespace: string,
  podName: string,
  options: { follow: boolean; signal: AbortSignal },
): AsyncGenerator<Buffer> {
  const response = await connection.openStream(
    { verb: 'get', resource: 'pods/log' },
    `/api/v1/namespaces/${namespace}/pods/${podName}/log`,
    { container: programContainerName, ...(options.follow ? { follow: 'true' } : {}) },
    options.signal,
  );
  try {
    for await (const chunk of response) yield chunk as Buffer;
  } finally {
    response.destroy();
  }
}
