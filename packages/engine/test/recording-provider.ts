import type { JsonObject, ResourceProviderV1 } from '@icl/core';

/** Inputs of the test type. */
export type ThingInputs = {
  /** Any text; updated in place. */
  value: string;
  /** Changing it replaces the thing. */
  generation?: number;
  /** A secret; never to be seen in state files or plans. */
  password?: string;
};

/** Outputs of the test type. */
export type ThingOutputs = { value: string; generation: number; token: string };

/** Options of {@link createRecordingProvider}. */
export interface RecordingProviderOptions {
  /** The type name (`test:Thing` by default). */
  type?: string;
  deleteBeforeReplace?: boolean;
  /** Throw from this operation on the resource named so. */
  failOn?: (operation: 'create' | 'update' | 'delete', name: string) => boolean;
  /** Wait for this before each create finishes (holds an apply in the middle). */
  gate?: () => Promise<void>;
  /** Milliseconds each operation takes. */
  delay?: number;
}

/** A provider over an in-memory "real world", which records the order of calls. */
export interface RecordingProvider extends ResourceProviderV1<ThingInputs, ThingOutputs> {
  /** `create a`, `update a`, `delete a#id`, in call order (recorded when the call ends). */
  readonly calls: string[];
  /** What exists: id → name and outputs. */
  readonly world: Map<string, { name: string; outputs: ThingOutputs }>;
  /** The most operations that ran at once. */
  readonly peakConcurrency: () => number;
}

let counter = 0;

export function createRecordingProvider(options: RecordingProviderOptions = {}): RecordingProvider {
  const calls: string[] = [];
  const world = new Map<string, { name: string; outputs: ThingOutputs }>();
  let running = 0;
  let peak = 0;
  const nameOf = (urn: string) => urn.split('::').at(-1) ?? urn;
  const step = async <Result>(work: () => Result | Promise<Result>): Promise<Result> => {
    running += 1;
    peak = Math.max(peak, running);
    try {
      if (options.delay) await new Promise((resolve) => setTimeout(resolve, options.delay));
      return await work();
    } finally {
      running -= 1;
    }
  };
  const outputsOf = (inputs: ThingInputs, token: string): ThingOutputs => ({
    value: inputs.value,
    generation: inputs.generation ?? 0,
    token,
  });
  return {
    specificationVersion: 'v1',
    type: options.type ?? 'test:Thing',
    ...(options.deleteBeforeReplace !== undefined && { deleteBeforeReplace: options.deleteBeforeReplace }),
    secretOutputs: ['token'],
    inputProperties: {
      value: { type: 'string', required: true },
      generation: { type: 'number', replaceOnChange: true },
      password: { type: 'string', secret: true },
    },
    outputProperties: {
      value: { type: 'string' },
      generation: { type: 'number' },
      token: { type: 'string', secret: true },
    },
    calls,
    world,
    peakConcurrency: () => peak,
    create: (inputs, context) =>
      step(async () => {
        const name = nameOf(context.urn);
        if (options.gate) await options.gate();
        if (options.failOn?.('create', name)) throw new Error(`cannot create ${name} today`);
        counter += 1;
        const id = `${name}-${counter}`;
        const outputs = outputsOf(inputs, `token-of-${name}-${counter}`);
        world.set(id, { name, outputs });
        calls.push(`create ${name}`);
        return { id, outputs };
      }),
    read: async (id, _inputs, context) => {
      if (!id) {
        const name = nameOf(context.urn);
        for (const [existingId, thing] of world)
          if (thing.name === name) return { id: existingId, outputs: thing.outputs };
        return undefined;
      }
      const thing = world.get(id);
      return thing && { id, outputs: thing.outputs };
    },
    update: (id, _olds, news, context) =>
      step(() => {
        const name = nameOf(context.urn);
        if (options.failOn?.('update', name)) throw new Error(`cannot update ${name} today`);
        const thing = world.get(id);
        if (!thing) throw new Error(`${id} does not exist`);
        thing.outputs = outputsOf(news, thing.outputs.token);
        calls.push(`update ${name}`);
        return { outputs: thing.outputs };
      }),
    delete: (id, _outputs, context) =>
      step(() => {
        const name = nameOf(context.urn);
        if (options.failOn?.('delete', name)) throw new Error(`cannot delete ${name} today`);
        world.delete(id);
        calls.push(`delete ${name}#${id}`);
      }),
  };
}

/** Outputs of every thing in the world, by name, for comparing with state. */
export function worldByName(provider: RecordingProvider): Record<string, JsonObject> {
  const byName: Record<string, JsonObject> = {};
  for (const { name, outputs } of provider.world.values()) byName[name] = outputs;
  return byName;
}
