import type { KubernetesObject, V1CustomResourceColumnDefinition } from '@kubernetes/client-node';
import { type InfernoKind, infernoGroup, infernoPlurals, infernoVersion } from './inferno-kinds';

/**
 * A JSON Schema node as a CRD is written on the wire (`default`, `enum`, `x-kubernetes-list-type`), not in
 * the client library's renamed model fields.
 */
export type JsonSchema = { [keyword: string]: unknown };

/** A CustomResourceDefinition in its wire form (YAML or JSON as `kubectl apply` takes it). */
export interface CustomResourceDefinitionManifest extends KubernetesObject {
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string };
    scope: 'Namespaced';
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns?: V1CustomResourceColumnDefinition[];
      schema: { openAPIV3Schema: JsonSchema };
    }>;
  };
}

const string: JsonSchema = { type: 'string' };
const nonEmptyString: JsonSchema = { type: 'string', minLength: 1 };
const number: JsonSchema = { type: 'number' };
const integer: JsonSchema = { type: 'integer' };
const boolean: JsonSchema = { type: 'boolean' };

function object(properties: Record<string, JsonSchema>, required?: string[]): JsonSchema {
  return { type: 'object', properties, ...(required ? { required } : {}) };
}

const load = object({ arrivalCOV: number, arrivalRate: number, avgLength: integer, serviceCOV: number }, [
  'arrivalRate',
  'avgLength',
]);

const allocation = object(
  {
    accelerator: string,
    cost: number,
    itlAverage: number,
    load,
    maxBatch: integer,
    numReplicas: integer,
    waitAverage: number,
  },
  ['accelerator', 'numReplicas'],
);

/**
 * The spec of each kind, field for field as Inferno's controller (v1alpha1) defines it, so its sample
 * resources, and anything written for Inferno, apply unchanged.
 */
const specs: Record<InfernoKind, JsonSchema> = {
  Accelerator: object(
    {
      cost: number,
      memBW: integer,
      memSize: integer,
      multiplicity: { type: 'integer', default: 1, minimum: 1 },
      name: nonEmptyString,
      power: object(
        {
          full: { type: 'integer', minimum: 0 },
          idle: { type: 'integer', minimum: 0 },
          midPower: { type: 'integer', minimum: 0 },
          midUtil: { type: 'number', minimum: 0, maximum: 1 },
        },
        ['full', 'idle', 'midPower', 'midUtil'],
      ),
      type: nonEmptyString,
    },
    ['cost', 'name', 'type'],
  ),
  Capacity: object(
    {
      count: {
        type: 'array',
        items: object({ count: { type: 'integer', default: 0, minimum: 0 }, type: nonEmptyString }, ['type']),
      },
    },
    ['count'],
  ),
  Model: object(
    {
      data: {
        type: 'array',
        items: object(
          {
            acc: string,
            accCount: integer,
            alpha: number,
            atTokens: integer,
            beta: number,
            maxBatchSize: integer,
          },
          ['acc', 'accCount', 'alpha', 'atTokens', 'beta', 'maxBatchSize'],
        ),
      },
      name: nonEmptyString,
    },
    ['name'],
  ),
  Optimizer: object(
    {
      data: object(
        {
          optimizer: object(
            { heterogeneous: boolean, milpSolver: boolean, unlimited: boolean, useCplex: boolean },
            ['heterogeneous', 'milpSolver', 'unlimited', 'useCplex'],
          ),
        },
        ['optimizer'],
      ),
      optimize: boolean,
    },
    ['data', 'optimize'],
  ),
  Server: object(
    {
      class: nonEmptyString,
      currentAlloc: allocation,
      desiredAlloc: allocation,
      model: nonEmptyString,
      name: nonEmptyString,
    },
    ['class', 'model', 'name'],
  ),
  ServiceClass: object(
    {
      data: {
        type: 'array',
        items: object({ model: nonEmptyString, 'slo-itl': number, 'slo-tps': number, 'slo-ttw': number }, [
          'model',
        ]),
      },
      name: nonEmptyString,
      priority: { type: 'integer', default: 0, minimum: 0 },
    },
    ['name'],
  ),
};

/** `metav1.Condition`, as the controller writes them into `status.conditions`. */
const conditions: JsonSchema = {
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  items: object(
    {
      type: { type: 'string', maxLength: 316 },
      status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
      reason: { type: 'string', maxLength: 1024 },
      message: { type: 'string', maxLength: 32768 },
      lastTransitionTime: { type: 'string', format: 'date-time' },
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
    },
    ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
  ),
};

/** Columns `kubectl get` shows for each kind. */
const columns: Partial<Record<InfernoKind, V1CustomResourceColumnDefinition[]>> = {
  Server: [
    { name: 'Model', type: 'string', jsonPath: '.spec.model' },
    { name: 'Class', type: 'string', jsonPath: '.spec.class' },
    { name: 'Accelerator', type: 'string', jsonPath: '.spec.desiredAlloc.accelerator' },
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.desiredAlloc.numReplicas' },
    { name: 'Allocated', type: 'string', jsonPath: '.status.conditions[?(@.type=="Allocated")].status' },
  ],
  Optimizer: [
    { name: 'Optimize', type: 'boolean', jsonPath: '.spec.optimize' },
    { name: 'Done', type: 'boolean', jsonPath: '.status.done' },
    {
      name: 'Result',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Optimized")].message',
      priority: 1,
    },
  ],
};

/**
 * The six CustomResourceDefinitions of Inferno's controller (group `inferno.platform.ai`, `v1alpha1`,
 * namespaced, with a status subresource). Their specs are Inferno's, field for field; their statuses keep
 * Inferno's required `active` (`done` for Optimizer) and add `conditions`, where the controller explains
 * itself: a malformed spec, a server left out and why. Without `conditions` in the schema the API server
 * would silently drop them. Printer columns make `kubectl get servers` show the decided allocation.
 */
export function infernoCustomResourceDefinitions(): CustomResourceDefinitionManifest[] {
  return (Object.keys(specs) as InfernoKind[]).map((kind) => {
    const plural = infernoPlurals[kind];
    const statusField = kind === 'Optimizer' ? 'done' : 'active';
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {
        name: `${plural}.${infernoGroup}`,
        labels: { 'app.kubernetes.io/part-of': 'icl-inferno-controller' },
      },
      spec: {
        group: infernoGroup,
        names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
        scope: 'Namespaced',
        versions: [
          {
            name: infernoVersion,
            served: true,
            storage: true,
            subresources: { status: {} },
            ...(columns[kind] ? { additionalPrinterColumns: columns[kind] } : {}),
            schema: {
              openAPIV3Schema: object({
                apiVersion: string,
                kind: string,
                metadata: { type: 'object' },
                spec: specs[kind],
                status: object({ [statusField]: boolean, conditions }, [statusField]),
              }),
            },
          },
        ],
      },
    };
  });
}
