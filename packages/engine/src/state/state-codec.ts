import type { JsonObject, JsonValue } from '@icl/core';
import type { SecretCipher } from './secret-cipher';
import type { StackStateData } from './stack-state';
import type { StateChange } from './state-change';

type WithSecrets = { inputs?: JsonObject; secretInputs?: readonly string[] } & {
  outputs?: JsonObject;
  secretOutputs?: readonly string[];
};

/**
 * Turns state records into what is written to disk and back: secret properties are sealed on the way
 * out and opened on the way in; everything else passes through untouched (and uncopied, which keeps
 * large states fast).
 */
export class StateCodec {
  readonly #cipher: SecretCipher;

  constructor(cipher: SecretCipher) {
    this.#cipher = cipher;
  }

  /** Loads the key if writing `changes` needs it. */
  async prepareFor(changes: readonly StateChange[]): Promise<void> {
    if (changes.some((change) => hasSecrets(recordOf(change)))) await this.#cipher.prepare();
  }

  /** Loads the key if writing `data` needs it. */
  async prepareForData(data: StackStateData): Promise<void> {
    if ([...data.resources, ...data.obsolete, ...data.pending].some(hasSecrets)) await this.#cipher.prepare();
  }

  /** The on-disk form of a change; {@link prepareFor} must have been awaited for it. */
  encodeChange(change: StateChange): StateChange {
    switch (change.kind) {
      case 'intent':
        return { ...change, operation: this.#seal(change.operation) };
      case 'created':
      case 'updated':
      case 'refreshed':
        return { ...change, resource: this.#seal(change.resource) };
      default:
        return change;
    }
  }

  /** A change as read from disk, secrets opened. */
  async decodeChange(change: StateChange, file: string): Promise<StateChange> {
    switch (change.kind) {
      case 'intent':
        return { ...change, operation: await this.#open(change.operation, file) };
      case 'created':
      case 'updated':
      case 'refreshed':
        return { ...change, resource: await this.#open(change.resource, file) };
      default:
        return change;
    }
  }

  /** The on-disk form of a whole state; {@link prepareForData} must have been awaited for it. */
  encodeData(data: StackStateData): StackStateData {
    return {
      ...data,
      resources: data.resources.map((resource) => this.#seal(resource)),
      obsolete: data.obsolete.map((resource) => this.#seal(resource)),
      pending: data.pending.map((operation) => this.#seal(operation)),
    };
  }

  /** Whether a change read from disk holds no secret, so it needs no decoding. */
  isPlain(change: StateChange): boolean {
    return !hasSecrets(recordOf(change));
  }

  /** A whole state as read from disk, secrets opened. */
  async decodeData(data: StackStateData, file: string): Promise<StackStateData> {
    // Most records hold no secret: they are kept as parsed, without a promise each.
    const openAll = async <Record extends WithSecrets>(records: Record[]) =>
      records.some(hasSecrets)
        ? Promise.all(records.map((record) => (hasSecrets(record) ? this.#open(record, file) : record)))
        : records;
    return {
      ...data,
      resources: await openAll(data.resources),
      obsolete: await openAll(data.obsolete),
      pending: await openAll(data.pending),
    };
  }

  #seal<Record extends WithSecrets>(record: Record): Record {
    if (!hasSecrets(record)) return record;
    const sealAll = (values: JsonObject | undefined, names: readonly string[] | undefined) => {
      if (!values || !names?.length) return values;
      const sealed: JsonObject = { ...values };
      for (const name of names) {
        const value = values[name];
        if (value !== undefined) sealed[name] = this.#cipher.seal(value);
      }
      return sealed;
    };
    return {
      ...record,
      ...(record.inputs && { inputs: sealAll(record.inputs, record.secretInputs) }),
      ...(record.outputs && { outputs: sealAll(record.outputs, record.secretOutputs) }),
    };
  }

  async #open<Record extends WithSecrets>(record: Record, file: string): Promise<Record> {
    if (!hasSecrets(record)) return record;
    const openAll = async (values: JsonObject | undefined, names: readonly string[] | undefined) => {
      if (!values || !names?.length) return values;
      const opened: JsonObject = { ...values };
      for (const name of names) {
        const value: JsonValue | undefined = values[name];
        if (value !== undefined) opened[name] = await this.#cipher.open(value, file);
      }
      return opened;
    };
    return {
      ...record,
      ...(record.inputs && { inputs: await openAll(record.inputs, record.secretInputs) }),
      ...(record.outputs && { outputs: await openAll(record.outputs, record.secretOutputs) }),
    };
  }
}

function recordOf(change: StateChange): WithSecrets | undefined {
  if (change.kind === 'intent') return change.operation;
  if (change.kind === 'created' || change.kind === 'updated' || change.kind === 'refreshed')
    return change.resource;
  return undefined;
}

function hasSecrets(record: WithSecrets | undefined): boolean {
  return Boolean(record && (record.secretInputs?.length || record.secretOutputs?.length));
}
