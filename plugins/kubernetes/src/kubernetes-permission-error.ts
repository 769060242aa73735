import { IclError, type IclErrorOptions } from '@icl/core';

const marker = 'icl.error.kubernetes-permission-denied';
const symbol = Symbol.for(marker);

/** Options of {@link KubernetesPermissionError}. */
export interface KubernetesPermissionErrorOptions extends IclErrorOptions {
  /** The API verb that was refused (`create`, `list`, `watch`, `delete`). */
  verb: string;
  /** The resource, with its API group when it has one (`jobs.batch`, `pods/log`, `nodes`). */
  resource: string;
  /** The namespace the request was made in; absent for cluster-wide resources such as nodes. */
  namespace?: string;
}

/**
 * The cluster's RBAC refused a request ICL needs (HTTP 403). The message says who was refused what; the
 * hint gives the `kubectl` commands that grant it, so the user (or their cluster admin) can fix it
 * without reading the API server's audit log.
 */
export class KubernetesPermissionError extends IclError {
  protected readonly [symbol] = true;

  /** The API verb that was refused. */
  readonly verb: string;
  /** The resource, with its API group when it has one. */
  readonly resource: string;
  /** The namespace the request was made in, if the resource is namespaced. */
  readonly namespace: string | undefined;

  constructor(options: KubernetesPermissionErrorOptions) {
    super('permission-denied', options);
    this.name = 'KubernetesPermissionError';
    this.verb = options.verb;
    this.resource = options.resource;
    this.namespace = options.namespace;
  }

  /** Whether `error` is a {@link KubernetesPermissionError}, from any installed copy of this plugin. */
  static override isInstance(error: unknown): error is KubernetesPermissionError {
    return IclError.hasMarker(error, marker);
  }
}
