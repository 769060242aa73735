import { isNotFound } from '@icl/plugin-kubernetes';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import {
  type InfernoKind,
  type InfernoResource,
  infernoGroup,
  infernoPlurals,
  infernoVersion,
} from './inferno-kinds';
import { retryOnConflict } from './retry-on-conflict';

/** Options of {@link ResourceWriter}. */
export interface ResourceWriterOptions {
  customObjects: CustomObjectsApi;
  fieldManager: string;
  /** Throws when this replica may not write (it is not the leader). */
  assertLeader: () => void;
  /** Told of every write made. */
  onWrite: (kind: InfernoKind, resource: InfernoResource, part: 'spec' | 'status') => void;
}

/**
 * Writes Inferno resources the safe way: read the object afresh, decide the change on what was read,
 * write it with the resourceVersion read (so a concurrent change makes the API server answer 409), and on
 * a conflict start again from a fresh read. A change that is already there is not written at all, so a
 * restarted controller, or one that handles the same request twice, writes nothing new.
 */
export class ResourceWriter {
  readonly #options: ResourceWriterOptions;

  constructor(options: ResourceWriterOptions) {
    this.#options = options;
  }

  /** Reads one resource; undefined when it does not exist. */
  async read(kind: InfernoKind, namespace: string, name: string): Promise<InfernoResource | undefined> {
    try {
      return (await this.#options.customObjects.getNamespacedCustomObject({
        group: infernoGroup,
        version: infernoVersion,
        namespace,
        plural: infernoPlurals[kind],
        name,
      })) as InfernoResource;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Changes a resource's spec (or metadata): `change` gets a fresh copy and returns the spec to write, or
   * undefined when nothing needs to change. Returns the resource as it is afterwards (undefined if gone).
   */
  async updateSpec(
    kind: InfernoKind,
    namespace: string,
    name: string,
    change: (resource: InfernoResource) => Record<string, unknown> | undefined,
  ): Promise<InfernoResource | undefined> {
    return retryOnConflict(async () => {
      const fresh = await this.read(kind, namespace, name);
      if (!fresh) return undefined;
      const spec = change(structuredClone(fresh));
      if (spec === undefined || sameJson(spec, fresh.spec)) return fresh;
      this.#options.assertLeader();
      const written = (await this.#options.customObjects.replaceNamespacedCustomObject({
        group: infernoGroup,
        version: infernoVersion,
        namespace,
        plural: infernoPlurals[kind],
        name,
        body: { ...fresh, spec },
        fieldManager: this.#options.fieldManager,
      })) as InfernoResource;
      this.#options.onWrite(kind, written, 'spec');
      return written;
    });
  }

  /**
   * Changes a resource's status through its status subresource, the same way: `change` returns the new
   * status or undefined. `equivalent` decides whether the status read already says it (so fields the API
   * server prunes, where a CRD lacks them, do not cause a write every time).
   */
  async updateStatus(
    kind: InfernoKind,
    namespace: string,
    name: string,
    change: (resource: InfernoResource) => Record<string, unknown> | undefined,
    equivalent: (wanted: Record<string, unknown>, current: Record<string, unknown>) => boolean = sameJson,
  ): Promise<InfernoResource | undefined> {
    return retryOnConflict(async () => {
      const fresh = await this.read(kind, namespace, name);
      if (!fresh) return undefined;
      const status = change(structuredClone(fresh));
      if (status === undefined || equivalent(status, fresh.status ?? {})) return fresh;
      this.#options.assertLeader();
      const written = (await this.#options.customObjects.replaceNamespacedCustomObjectStatus({
        group: infernoGroup,
        version: infernoVersion,
        namespace,
        plural: infernoPlurals[kind],
        name,
        body: { ...fresh, status },
        fieldManager: this.#options.fieldManager,
      })) as InfernoResource;
      this.#options.onWrite(kind, written, 'status');
      return written;
    });
  }
}

/** Whether two JSON values are equal, ignoring the order of object keys. */
export function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(sortKeys(left)) === JSON.stringify(sortKeys(right));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, entry]) => entry !== undefined)
        .sort(([left], [right]) => left.localeCompare(right))
        .map(([key, entry]) => [key, sortKeys(entry)]),
    );
  }
  return value;
}
