import type { BackendContextV1, BackendFactoryV1, BackendV1 } from './backend-v1';
import { UnknownBackendError } from './errors/unknown-backend-error';
import { UnsupportedSpecificationVersionError } from './errors/unsupported-specification-version-error';
import type { JsonObject } from './json-value';

/** The backend contract versions this core understands. */
export const supportedBackendSpecificationVersions: readonly string[] = ['v1'];

/** One registered backend: its name and how to get its factory (possibly by a lazy import). */
export interface BackendRegistration {
  /** The backend's name (`local`, `docker`). */
  name: string;
  /**
   * Returns the factory. May import the plugin on first use, so registering many plugins costs
   * nothing until one is used.
   */
  load: () => BackendFactoryV1 | Promise<BackendFactoryV1>;
  /** One line for listings. */
  description?: string;
  /** Where the registration came from (`built-in`, a package name), for `icl plugins ls`. */
  source?: string;
}

/**
 * The backends a program or the CLI can use, by name. Registration is explicit (`register`), and the
 * CLI adds the plugins it finds installed. Creating a backend checks the contract version it
 * implements, so a plugin built for another contract fails with a typed error instead of misbehaving.
 */
export class BackendRegistry {
  readonly #registrations = new Map<string, BackendRegistration>();

  /** Adds a backend, replacing any earlier registration of the same name. */
  register(registration: BackendRegistration): this {
    this.#registrations.set(registration.name, registration);
    return this;
  }

  /** Whether a backend of this name is registered. */
  has(name: string): boolean {
    return this.#registrations.has(name);
  }

  /**
   * The registration of a backend, without loading it: lets a host check a name before it creates
   * anything on disk.
   *
   * @throws UnknownBackendError listing the registered backends when the name is unknown.
   */
  get(name: string): BackendRegistration {
    const registration = this.#registrations.get(name);
    if (registration) return registration;
    const availableBackends = this.list().map((entry) => entry.name);
    throw new UnknownBackendError({
      backendName: name,
      availableBackends,
      message: `Unknown backend "${name}". Installed backends: ${availableBackends.join(', ') || 'none'}.`,
      hint: `Install its plugin (for example \`npm install @icl/plugin-${name}\`) or pick one of the installed backends.`,
    });
  }

  /** Every registration, sorted by name. */
  list(): BackendRegistration[] {
    return [...this.#registrations.values()].sort((left, right) => left.name.localeCompare(right.name));
  }

  /**
   * Creates the named backend with its settings.
   *
   * @throws UnknownBackendError listing the registered backends when the name is unknown.
   * @throws UnsupportedSpecificationVersionError when the plugin implements an unknown contract version.
   */
  async create(name: string, settings: JsonObject, context: BackendContextV1): Promise<BackendV1> {
    const factory = await this.get(name).load();
    return assertBackendV1(await factory(settings, context), name);
  }
}

/**
 * Checks that a value a plugin returned implements a known version of the backend contract.
 *
 * @throws UnsupportedSpecificationVersionError for any other `specificationVersion`.
 */
export function assertBackendV1(backend: unknown, name: string): BackendV1 {
  const version = (backend as { specificationVersion?: unknown } | null)?.specificationVersion;
  if (version !== 'v1') {
    throw new UnsupportedSpecificationVersionError({
      specificationVersion: String(version),
      supportedVersions: supportedBackendSpecificationVersions,
      message: `Backend "${name}" implements backend specification version "${String(version)}", but this ICL supports ${supportedBackendSpecificationVersions.join(', ')}.`,
      hint: 'Install versions of the plugin and of @icl/core that were released together.',
    });
  }
  return backend as BackendV1;
}
