import { type SaturationPolicyV1, saturationPolicies } from '@icl/core';
import { FieldReader, type FieldSource } from './field-reader';
import type {
  InfernoAcceleratorCount,
  InfernoAcceleratorData,
  InfernoAcceleratorSpec,
  InfernoAllocationData,
  InfernoCapacityData,
  InfernoModelData,
  InfernoModelPerformance,
  InfernoModelTarget,
  InfernoOptimizerData,
  InfernoOptimizerSpec,
  InfernoServerData,
  InfernoServerSpec,
  InfernoServiceClassData,
  InfernoServiceClassSpec,
  InfernoSystemData,
} from './inferno-data';

/*
 * Readers of Inferno's data, one per file of a sample set (and per section of `system-data.json`). Each
 * checks types and ranges and fills in Inferno's defaults; a mistake names the field's path.
 */

/**
 * The largest values a system may give, far beyond any real deployment: a value past them is a mistake
 * (a unit slip, a typo) that would otherwise cost minutes of solving or answer absurd allocations, so it
 * is refused with the field named.
 */
const limits = {
  /** Requests in one batch: serving engines batch hundreds, not thousands. */
  batchSize: 4096,
  /** Tokens of a request or of a performance profile's point. */
  tokens: 10_000_000,
  /** Requests per minute to one server: a million requests per second. */
  arrivalRate: 60_000_000,
  /** Replicas of one server. */
  replicas: 1_000_000,
};
/** Reads `system-data.json` (the body of `POST /optimizeOne`). */
export function parseInfernoSystemData(
  value: unknown,
  source: FieldSource | string = 'system data',
): InfernoSystemData {
  const reader = new FieldReader(value, typeof source === 'string' ? { name: source } : source);
  const system = reader.field('system');
  if (!system.present) system.fail('is missing; the body must be {"system": {"acceleratorData": …, …}}');
  const acceleratorData = readAcceleratorData(required(system.field('acceleratorData')));
  const capacity = system.field('capacityData');
  const spec: InfernoSystemData['system'] = {
    acceleratorData,
    modelData: readModelData(required(system.field('modelData'))),
    serviceClassData: readServiceClassData(required(system.field('serviceClassData'))),
    serverData: readServerData(required(system.field('serverData'))),
    optimizerData: readOptimizerData(system.field('optimizerData')),
  };
  if (capacity.present) spec.capacityData = readCapacityData(capacity);
  else if (acceleratorData.count) spec.capacityData = { count: acceleratorData.count };
  return { system: spec };
}

/** Reads `accelerator-data.json`: `{"accelerators": […]}`. */
export function readAcceleratorData(reader: FieldReader): InfernoAcceleratorData {
  reader.object();
  const seen = new Map<string, number>();
  const accelerators = reader
    .field('accelerators')
    .items({ required: true })
    .map((item, index) => {
      const accelerator = readAcceleratorSpec(item);
      const earlier = seen.get(accelerator.name);
      if (earlier !== undefined)
        item.field('name').fail(`repeats accelerator "${accelerator.name}" (entry ${earlier})`);
      seen.set(accelerator.name, index);
      return accelerator;
    });
  const data: InfernoAcceleratorData = { accelerators };
  const count = reader.field('count');
  if (count.present) data.count = readCounts(count);
  return data;
}

/** Reads one accelerator. */
export function readAcceleratorSpec(reader: FieldReader): InfernoAcceleratorSpec {
  reader.object();
  const accelerator: InfernoAcceleratorSpec = {
    name: reader.field('name').string({ required: true }),
    type: reader.field('type').string({ required: true }),
    multiplicity: reader.field('multiplicity').number({ integer: true, minimum: 1, fallback: 1 }),
    cost: reader.field('cost').number({ required: true, minimum: 0 }),
  };
  const memory = reader.field('memSize');
  if (memory.present) accelerator.memSize = memory.number({ minimum: 0 });
  const bandwidth = reader.field('memBW');
  if (bandwidth.present) accelerator.memBW = bandwidth.number({ minimum: 0 });
  const power = reader.field('power');
  if (power.present) {
    power.object();
    accelerator.power = {
      idle: power.field('idle').number({ minimum: 0 }),
      full: power.field('full').number({ minimum: 0 }),
      midPower: power.field('midPower').number({ minimum: 0 }),
      midUtil: power.field('midUtil').number({ minimum: 0 }),
    };
  }
  return accelerator;
}

/** Reads `capacity-data.json`: `{"count": [{"type", "count"}]}`. */
export function readCapacityData(reader: FieldReader): InfernoCapacityData {
  reader.object();
  return { count: readCounts(reader.field('count')) };
}

function readCounts(reader: FieldReader): InfernoAcceleratorCount[] {
  const seen = new Set<string>();
  return reader.items({ required: true }).map((item) => {
    item.object();
    const type = item.field('type').string({ required: true });
    if (seen.has(type)) item.field('type').fail(`repeats device type "${type}"`);
    seen.add(type);
    return { type, count: item.field('count').number({ integer: true, minimum: 0 }) };
  });
}

/** Reads `model-data.json`: `{"models": [{"name", "acc", "alpha", …}]}`. */
export function readModelData(reader: FieldReader): InfernoModelData {
  reader.object();
  const seen = new Set<string>();
  return {
    models: reader
      .field('models')
      .items({ required: true })
      .map((item) => {
        const performance = readModelPerformance(item, item.field('name').string({ required: true }));
        const key = `${performance.name}\u0000${performance.acc}`;
        if (seen.has(key))
          item.field('acc').fail(`repeats model "${performance.name}" on "${performance.acc}"`);
        seen.add(key);
        return performance;
      }),
  };
}

/** Reads one model's performance on one accelerator; `name` is the model (given apart in custom resources). */
export function readModelPerformance(reader: FieldReader, name: string): InfernoModelPerformance {
  reader.object();
  const alpha = reader.field('alpha').number({ required: true, minimum: 0 });
  const beta = reader.field('beta').number({ required: true, minimum: 0 });
  if (alpha + beta <= 0) reader.field('alpha').fail('and beta are both 0; a token must take some time');
  const count = reader.field('accCount').number({ integer: true, fallback: 1 });
  return {
    name,
    acc: reader.field('acc').string({ required: true }),
    accCount: count > 0 ? count : 1,
    alpha,
    beta,
    maxBatchSize: reader
      .field('maxBatchSize')
      .number({ required: true, integer: true, minimum: 1, maximum: limits.batchSize }),
    atTokens: reader
      .field('atTokens')
      .number({ required: true, integer: true, minimum: 1, maximum: limits.tokens }),
  };
}

/** Reads `serviceclass-data.json`: `{"serviceClasses": [{"name", "priority", "modelTargets": […]}]}`. */
export function readServiceClassData(reader: FieldReader): InfernoServiceClassData {
  reader.object();
  return {
    serviceClasses: reader
      .field('serviceClasses')
      .items({ required: true })
      .map((item) => readServiceClassSpec(item, 'modelTargets')),
  };
}

/** Reads one service class; its targets are under `targetsField` (`data` in custom resources). */
export function readServiceClassSpec(reader: FieldReader, targetsField: string): InfernoServiceClassSpec {
  reader.object();
  return {
    name: reader.field('name').string({ required: true }),
    priority: reader.field('priority').number({ integer: true, minimum: 0 }),
    modelTargets: reader
      .field(targetsField)
      .items()
      .map((item): InfernoModelTarget => {
        item.object();
        return {
          model: item.field('model').string({ required: true }),
          'slo-itl': item.field('slo-itl').number({ minimum: 0 }),
          'slo-ttw': item.field('slo-ttw').number({ minimum: 0 }),
          'slo-tps': item.field('slo-tps').number({ minimum: 0 }),
        };
      }),
  };
}

/** Reads `server-data.json`: `{"servers": [{"name", "class", "model", "currentAlloc": {"load": …}}]}`. */
export function readServerData(reader: FieldReader): InfernoServerData {
  reader.object();
  const seen = new Map<string, number>();
  return {
    servers: reader
      .field('servers')
      .items({ required: true })
      .map((item, index) => {
        const server = readServerSpec(item);
        const earlier = seen.get(server.name);
        if (earlier !== undefined)
          item.field('name').fail(`repeats server "${server.name}" (entry ${earlier})`);
        seen.set(server.name, index);
        return server;
      }),
  };
}

/** Reads one server. */
export function readServerSpec(reader: FieldReader): InfernoServerSpec {
  reader.object();
  const current = reader.field('currentAlloc');
  if (!current.present)
    current.fail('is missing; it must give the server’s load: {"load": {"arrivalRate": …, "avgLength": …}}');
  const server: InfernoServerSpec = {
    name: reader.field('name').string({ required: true }),
    class: reader.field('class').string({ fallback: '' }) || 'Free',
    model: reader.field('model').string({ required: true }),
    keepAccelerator: reader.field('keepAccelerator').boolean(),
    minNumReplicas: reader
      .field('minNumReplicas')
      .number({ integer: true, minimum: 0, maximum: limits.replicas }),
    maxBatchSize: reader
      .field('maxBatchSize')
      .number({ integer: true, minimum: 0, maximum: limits.batchSize }),
    currentAlloc: readAllocationData(current),
  };
  const maximum = reader.field('maxNumReplicas');
  if (maximum.present)
    server.maxNumReplicas = maximum.number({ integer: true, minimum: 1, maximum: limits.replicas });
  const desired = reader.field('desiredAlloc');
  if (desired.present && desired.field('load').present) server.desiredAlloc = readAllocationData(desired);
  return server;
}

/** Reads an allocation (current, desired or of a solution) with its load. */
export function readAllocationData(reader: FieldReader): InfernoAllocationData {
  reader.object();
  const load = reader.field('load');
  if (!load.present) load.fail('is missing; give {"arrivalRate": <requests/min>, "avgLength": <tokens>}');
  load.object();
  const allocation: InfernoAllocationData = {
    accelerator: reader.field('accelerator').string(),
    numReplicas: reader.field('numReplicas').number({ integer: true, minimum: 0, maximum: limits.replicas }),
    maxBatch: reader.field('maxBatch').number({ integer: true, minimum: 0, maximum: limits.batchSize }),
    cost: reader.field('cost').number({ minimum: 0 }),
    itlAverage: reader.field('itlAverage').number({ minimum: 0 }),
    waitAverage: reader.field('waitAverage').number({ minimum: 0 }),
    load: {
      arrivalRate: load
        .field('arrivalRate')
        .number({ required: true, minimum: 0, maximum: limits.arrivalRate }),
      avgLength: load
        .field('avgLength')
        .number({ required: true, integer: true, minimum: 0, maximum: limits.tokens }),
    },
  };
  for (const name of ['arrivalCOV', 'serviceCOV'] as const) {
    const field = load.field(name);
    if (field.present) allocation.load[name] = field.number({ minimum: 0 });
  }
  return allocation;
}

/** Reads `optimizer-data.json`: `{"optimizer": {"unlimited", "heterogeneous", "milpSolver"}}`; all false when absent. */
export function readOptimizerData(reader: FieldReader): InfernoOptimizerData {
  if (!reader.present) return { optimizer: readOptimizerSpec(reader) };
  reader.object();
  return { optimizer: readOptimizerSpec(reader.field('optimizer')) };
}

/** The settings of Inferno's optimizer (v0.5.0's `OptimizerSpec`), as it spells them. */
const optimizerSettings = [
  'unlimited',
  'heterogeneous',
  'milpSolver',
  'useCplex',
  'delayedBestEffort',
  'saturationPolicy',
] as const;

/**
 * Reads the optimizer's settings. One that Inferno's optimizer does not have is an error naming it (a
 * misspelt `saturationPolicy` must not silently mean `None`), as is a saturation policy it does not know.
 */
export function readOptimizerSpec(reader: FieldReader): InfernoOptimizerSpec {
  if (!reader.present)
    return {
      unlimited: false,
      heterogeneous: false,
      milpSolver: false,
      useCplex: false,
      delayedBestEffort: false,
      saturationPolicy: 'None',
    };
  const given = Object.keys(reader.object());
  const known = new Set(optimizerSettings.map((name) => name.toLowerCase()));
  const unknown = given.find((name) => !known.has(name.toLowerCase()));
  if (unknown !== undefined)
    reader
      .field(unknown)
      .fail(`is not a setting of Inferno's optimizer (it has ${optimizerSettings.join(', ')})`);
  const policy = reader.field('saturationPolicy').string({ fallback: 'None' }) || 'None';
  if (!(saturationPolicies as readonly string[]).includes(policy))
    reader.field('saturationPolicy').fail(`is "${policy}", not one of ${saturationPolicies.join(', ')}`);
  return {
    unlimited: reader.field('unlimited').boolean(),
    heterogeneous: reader.field('heterogeneous').boolean(),
    milpSolver: reader.field('milpSolver').boolean(),
    useCplex: reader.field('useCplex').boolean(),
    delayedBestEffort: reader.field('delayedBestEffort').boolean(),
    saturationPolicy: policy as SaturationPolicyV1,
  };
}

function required(reader: FieldReader): FieldReader {
  if (!reader.present) reader.fail('is missing');
  return reader;
}
