import { IclError } from '@icl/core';
import {
  FieldReader,
  type InfernoAcceleratorCount,
  type InfernoAcceleratorSpec,
  type InfernoModelPerformance,
  type InfernoOptimizerSpec,
  type InfernoServerSpec,
  type InfernoServiceClassSpec,
  type InfernoSystemData,
  readAcceleratorSpec,
  readCapacityData,
  readModelPerformance,
  readOptimizerSpec,
  readServerSpec,
  readServiceClassSpec,
} from '@icl/optimizer';
import {
  describeResource,
  type InfernoKind,
  type InfernoResource,
  type InfernoResourceSet,
} from './inferno-kinds';

/** A resource and whether it could be used; `problem` says what is wrong with it. */
export interface CheckedResource {
  kind: InfernoKind;
  resource: InfernoResource;
  /** Why it was left out of the problem (a field path and the rule it breaks), or undefined when valid. */
  problem?: string;
}

/** What the resources of one namespace amount to. */
export interface InfernoSystemReading {
  /** Inferno's system data built from the valid resources (the body `POST /optimizeOne` takes). */
  data: InfernoSystemData;
  /** Every resource read, valid or not, except Optimizers. */
  checked: CheckedResource[];
  /** The valid Server resources by their `spec.name` (the name solutions use). */
  serversByName: Map<string, { resource: InfernoResource; spec: InfernoServerSpec }>;
  /** The valid Accelerators by name, for sizing Deployments. */
  acceleratorsByName: Map<string, { resource: InfernoResource; spec: InfernoAcceleratorSpec }>;
  /** Each model's performance data by model and accelerator name (`model\0accelerator`). */
  performance: Map<string, InfernoModelPerformance>;
}

/**
 * Reads the Inferno resources of one namespace into Inferno's system data, one resource at a time with
 * `@icl/optimizer`'s readers: a resource with a malformed field (a negative `alpha`, a missing load) or
 * repeating another's name is left out and comes back with the reason, and the others still make a
 * problem. Resources are taken oldest first, so of two with the same name the newer one is refused.
 * Capacity from several Capacity resources adds up per device type, as Inferno's controller joins them.
 *
 * @param optimizer The optimizer's flags (`spec.data.optimizer` of the Optimizer being served).
 */
export function readInfernoSystem(
  resources: Omit<InfernoResourceSet, 'Optimizer'>,
  optimizer: InfernoOptimizerSpec,
): InfernoSystemReading {
  const checked: CheckedResource[] = [];
  const accelerators: InfernoAcceleratorSpec[] = [];
  const models: InfernoModelPerformance[] = [];
  const serviceClasses: InfernoServiceClassSpec[] = [];
  const servers: InfernoServerSpec[] = [];
  const capacity = new Map<string, InfernoAcceleratorCount>();
  const serversByName = new Map<string, { resource: InfernoResource; spec: InfernoServerSpec }>();
  const acceleratorsByName = new Map<string, { resource: InfernoResource; spec: InfernoAcceleratorSpec }>();
  const performance = new Map<string, InfernoModelPerformance>();
  const seenModels = new Set<string>();
  const seenClasses = new Set<string>();

  const check = <T>(kind: InfernoKind, resource: InfernoResource, read: (spec: FieldReader) => T) => {
    const spec = new FieldReader(resource.spec, { name: describeResource(kind, resource) }, ['spec']);
    try {
      if (!spec.present) spec.fail('is missing');
      const value = read(spec);
      checked.push({ kind, resource });
      return value;
    } catch (error) {
      checked.push({ kind, resource, problem: problemOf(error) });
      return undefined;
    }
  };

  for (const resource of oldestFirst(resources.Accelerator)) {
    check('Accelerator', resource, (spec) => {
      const accelerator = readAcceleratorSpec(spec);
      if (acceleratorsByName.has(accelerator.name))
        spec
          .field('name')
          .fail(
            `repeats accelerator "${accelerator.name}" of ${describeOwner('Accelerator', acceleratorsByName.get(accelerator.name)!.resource)}`,
          );
      acceleratorsByName.set(accelerator.name, { resource, spec: accelerator });
      accelerators.push(accelerator);
    });
  }
  for (const resource of oldestFirst(resources.Model)) {
    check('Model', resource, (spec) => {
      const name = spec.field('name').string({ required: true });
      if (seenModels.has(name)) spec.field('name').fail(`repeats model "${name}" of another Model`);
      const entries = spec
        .field('data')
        .items()
        .map((item) => readModelPerformance(item, name));
      seenModels.add(name);
      for (const entry of entries) {
        models.push(entry);
        performance.set(`${entry.name}\u0000${entry.acc}`, entry);
      }
    });
  }
  for (const resource of oldestFirst(resources.ServiceClass)) {
    check('ServiceClass', resource, (spec) => {
      const serviceClass = readServiceClassSpec(spec, 'data');
      if (seenClasses.has(serviceClass.name))
        spec.field('name').fail(`repeats service class "${serviceClass.name}" of another ServiceClass`);
      seenClasses.add(serviceClass.name);
      serviceClasses.push(serviceClass);
    });
  }
  for (const resource of oldestFirst(resources.Server)) {
    check('Server', resource, (spec) => {
      const server = readServerSpec(spec);
      if (serversByName.has(server.name))
        spec
          .field('name')
          .fail(
            `repeats server "${server.name}" of ${describeOwner('Server', serversByName.get(server.name)!.resource)}`,
          );
      serversByName.set(server.name, { resource, spec: server });
      servers.push(server);
    });
  }
  for (const resource of oldestFirst(resources.Capacity)) {
    check('Capacity', resource, (spec) => {
      const counts = readCapacityData(spec).count;
      for (const count of counts) {
        const earlier = capacity.get(count.type);
        capacity.set(count.type, { type: count.type, count: (earlier?.count ?? 0) + count.count });
      }
    });
  }

  const system: InfernoSystemData['system'] = {
    acceleratorData: { accelerators },
    modelData: { models },
    serviceClassData: { serviceClasses },
    serverData: { servers },
    optimizerData: { optimizer },
  };
  if (resources.Capacity.length > 0) system.capacityData = { count: [...capacity.values()] };
  return { data: { system }, checked, serversByName, acceleratorsByName, performance };
}

/**
 * Reads an Optimizer's flags (`spec.data.optimizer`).
 *
 * @throws InvalidArgumentError naming the malformed field.
 */
export function readOptimizerFlags(resource: InfernoResource): InfernoOptimizerSpec {
  const spec = new FieldReader(resource.spec, { name: describeResource('Optimizer', resource) }, ['spec']);
  if (!spec.present) spec.fail('is missing');
  return readOptimizerSpec(spec.field('data').field('optimizer'));
}

/** The sentence of a reader's error without the "Invalid Inferno data in X:" preamble the resource already says. */
export function problemOf(error: unknown): string {
  if (IclError.isInstance(error)) return error.message.replace(/^Invalid Inferno data in [^:]+: /, '');
  return error instanceof Error ? error.message : String(error);
}

function describeOwner(kind: string, resource: InfernoResource): string {
  return `${kind} ${resource.metadata.name}`;
}

function oldestFirst(resources: readonly InfernoResource[]): InfernoResource[] {
  const created = (resource: InfernoResource) => {
    const timestamp = resource.metadata.creationTimestamp;
    return timestamp ? new Date(timestamp).getTime() : 0;
  };
  return [...resources].sort(
    (left, right) =>
      created(left) - created(right) || (left.metadata.name ?? '').localeCompare(right.metadata.name ?? ''),
  );
}
