import type { JsonValue, ResourceProviderV1 } from '@icl/core';
import { createResourceId } from './create-resource-id';

/** Inputs of an `icl:Noop`. */
export type NoopInputs = {
  /** Any value; it comes back as the `output` output. */
  input?: JsonValue;
  /** Any value; changing it replaces the resource. */
  triggersReplace?: JsonValue;
};

/** Outputs of an `icl:Noop`. */
export type NoopOutputs = {
  /** The `input`, or null. */
  output: JsonValue;
};

/**
 * `icl:Noop`, a resource that exists only in state (like Terraform's `terraform_data`): its `input`
 * comes back as `output`. For benchmarks of the engine itself and for wiring values between resources.
 * It costs no process and no I/O, and an interrupted create has made nothing.
 */
export function createNoopProvider(): ResourceProviderV1<NoopInputs, NoopOutputs> {
  return {
    specificationVersion: 'v1',
    type: 'icl:Noop',
    inputProperties: {
      input: { type: 'any', description: 'comes back as the output' },
      triggersReplace: {
        type: 'any',
        replaceOnChange: true,
        description: 'changing it replaces the resource',
      },
    },
    outputProperties: { output: { type: 'any', description: 'the input' } },
    async create(inputs) {
      return { id: createResourceId(), outputs: { output: inputs.input ?? null } };
    },
    async read(id, inputs, context) {
      if (!id) return undefined;
      return {
        id,
        outputs: (context.recordedOutputs as NoopOutputs | undefined) ?? { output: inputs?.input ?? null },
      };
    },
    async update(_id, _olds, news) {
      return { outputs: { output: news.input ?? null } };
    },
    async delete() {},
  };
}

/** `icl:Noop`. */
export const noop = createNoopProvider();
