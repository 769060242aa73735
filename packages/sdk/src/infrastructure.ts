import { InvalidArgumentError, type JsonObject } from '@icl/core';
import type { InfrastructureReference } from './resolve-infrastructure';

/** Options of {@link infrastructure} for a definition made in code. */
export interface InfrastructureOptions {
  /** The name runs are recorded under. */
  name: string;
  /** The backend that serves it; when absent, `name` is looked up in the settings file. */
  backend?: string;
  /** Settings for the backend's factory. */
  settings?: JsonObject;
}

/**
 * Names where to run, as in the original ICL's `infrastructure(address)`: `infrastructure('gpu-lab')`
 * refers to an infrastructure of the settings file (or to a backend by name, like `'docker'`), and
 * `infrastructure({ name, backend, settings })` defines one in code without a settings file.
 *
 * @throws InvalidArgumentError for an empty name.
 */
export function infrastructure(nameOrOptions: string | InfrastructureOptions): InfrastructureReference {
  const options = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'infrastructure',
      message: 'An infrastructure needs a name.',
      hint: "Write it as infrastructure('local') or infrastructure({ name: 'lab', backend: 'ssh', settings: {...} }).",
    });
  }
  const reference: InfrastructureReference = { name: options.name.trim() };
  if (options.backend !== undefined) reference.backend = options.backend;
  if (options.settings !== undefined) reference.settings = { ...options.settings };
  return reference;
}
