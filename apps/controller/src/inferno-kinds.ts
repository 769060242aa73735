import type { V1ObjectMeta } from '@kubernetes/client-node';

/** The API group of Inferno's custom resources. */
export const infernoGroup = 'inferno.platform.ai';

/** The version Inferno's controller serves and its samples use. */
export const infernoVersion = 'v1alpha1';

/** Each kind of Inferno's custom resources, with its plural (the REST path segment). */
export const infernoPlurals = {
  Accelerator: 'accelerators',
  Capacity: 'capacities',
  Model: 'models',
  Optimizer: 'optimizers',
  Server: 'servers',
  ServiceClass: 'serviceclasses',
} as const;

/** One of Inferno's six kinds. */
export type InfernoKind = keyof typeof infernoPlurals;

/** The six kinds, in the order a problem is read. */
export const infernoKinds = Object.keys(infernoPlurals) as InfernoKind[];

/**
 * One Inferno custom resource as the API server returns it. The spec is kept as plain JSON: it is read
 * field by field with `@icl/optimizer`'s readers, so a malformed resource is reported, not trusted.
 */
export interface InfernoResource {
  apiVersion?: string;
  kind?: string;
  metadata: V1ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Every Inferno resource of one namespace, by kind. */
export type InfernoResourceSet = Record<InfernoKind, InfernoResource[]>;

/** `Kind namespace/name`, how logs, errors and events name a resource. */
export function describeResource(kind: string, resource: { metadata?: V1ObjectMeta }): string {
  const metadata = resource.metadata ?? {};
  return `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name ?? '(unnamed)'}`;
}
