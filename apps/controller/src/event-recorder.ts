import { randomBytes } from 'node:crypto';
import { kubernetesErrorMessage } from '@icl/plugin-kubernetes';
import type { CoreV1Api } from '@kubernetes/client-node';
import { type InfernoKind, type InfernoResource, infernoGroup, infernoVersion } from './inferno-kinds';

/** Options of {@link EventRecorder}. */
export interface EventRecorderOptions {
  core: CoreV1Api;
  /** This replica's identity, recorded as the reporting instance. */
  identity: string;
  assertLeader: () => void;
  onError: (message: string) => void;
}

/** The component name Events carry (`kubectl describe` shows it as the source). */
export const eventComponent = 'icl-inferno-controller';

/**
 * Records Kubernetes Events about Inferno resources, which `kubectl describe` and `kubectl get events`
 * show next to the resource: a malformed spec, a server left out, an optimization done. An Event that
 * cannot be written is logged, never fatal: Events are a courtesy, statuses are the record.
 */
export class EventRecorder {
  readonly #options: EventRecorderOptions;

  constructor(options: EventRecorderOptions) {
    this.#options = options;
  }

  async record(
    kind: InfernoKind,
    resource: InfernoResource,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const metadata = resource.metadata;
    const namespace = metadata.namespace ?? 'default';
    const now = new Date();
    try {
      this.#options.assertLeader();
      await this.#options.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: {
            name: `${metadata.name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`,
            namespace,
          },
          involvedObject: {
            apiVersion: `${infernoGroup}/${infernoVersion}`,
            kind,
            name: metadata.name,
            namespace,
            uid: metadata.uid,
            resourceVersion: metadata.resourceVersion,
          },
          type,
          reason,
          message: message.slice(0, 1024),
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: eventComponent, host: this.#options.identity },
          reportingComponent: eventComponent,
          reportingInstance: this.#options.identity,
        },
      });
    } catch (error) {
      this.#options.onError(
        `Recording the ${reason} event of ${kind} ${namespace}/${metadata.name} failed: ${kubernetesErrorMessage(error)}`,
      );
    }
  }
}
