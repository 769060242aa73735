import type { KubernetesConnection } from './kubernetes-connection';

/** The annotation kwok puts on the nodes it simulates. */
export const kwokNodeAnnotation = 'kwok.x-k8s.io/node';

/**
 * Tells nodes that run containers from nodes that only pretend to (kwok's simulated nodes, used to test
 * schedulers and controllers at scale). A simulated node has no kubelet, so asking the API server for a
 * pod's output there would make it dial an address where nothing listens; ICL reports such pods'
 * output as empty instead. Answers are kept for the life of the backend.
 */
export class SimulatedNodes {
  readonly #connection: KubernetesConnection;
  readonly #answers = new Map<string, Promise<boolean>>();

  constructor(connection: KubernetesConnection) {
    this.#connection = connection;
  }

  /** Whether the node is simulated; false when it cannot be read (no RBAC on nodes: assume it is real). */
  isSimulated(nodeName: string): Promise<boolean> {
    let answer = this.#answers.get(nodeName);
    if (!answer) {
      answer = this.#connection
        .call({ verb: 'get', resource: 'nodes', clusterWide: true }, (client) =>
          client.core.readNode({ name: nodeName }),
        )
        .then(
          (node) => node.metadata?.annotations?.[kwokNodeAnnotation] !== undefined,
          // Unreadable (forbidden, gone): treat it as a real node, whose logs the API server can fetch.
          () => false,
        );
      this.#answers.set(nodeName, answer);
    }
    return answer;
  }
}
