import {
  type BackendRegistry,
  type BackendV1,
  IclError,
  type Infrastructure,
  type Inventory,
  type InventoryOptions,
  isTerminalRunStatus,
  type Program,
  type Run,
  type RunRecord,
  UnknownBackendError,
} from '@icl/core';
import { createDefaultBackendRegistry } from './default-backend-registry';
import { describeProgram } from './describe-program';
import { discoverPlugins, installationDirectory, registerDiscoveredPlugins } from './discover-plugins';
import { firstPartyPlugins } from './first-party-plugins';
import { createBackendContext, type IclDirectories, resolveIclDirectories } from './icl-directories';
import { prepareRun } from './prepare-run';
import { type InfrastructureSelector, resolveInfrastructure } from './resolve-infrastructure';
import { RunHandle } from './run-handle';
import { createRunId } from './run-id';
import type { RunOptions } from './run-options';
import { type DamagedRunRecord, RunStore } from './run-store';
import { loadSettings, type Settings } from './settings';

/**
 * Error codes with which a backend refuses a request before starting anything (bad input, a
 * capability it lacks, resources it does not have, a daemon that does not answer, credentials that may
 * not create what a run needs).
 */
const refusedInputCodes = new Set([
  'invalid-argument',
  'unsupported-capability',
  'resource-unavailable',
  'backend-unavailable',
  'permission-denied',
]);

/** Options of {@link createIcl}. Everything defaults to the user's own setup. */
export interface IclOptions {
  /** The backends to use; the SDK's built-in ones (`local`) by default. */
  registry?: BackendRegistry;
  /**
   * Whether a backend the registry does not have is looked for among the installed plugins (packages
   * with the `icl.backend` marker in their package.json, see {@link discoverPlugins}), as the CLI does.
   * Default: true with the SDK's own registry, false when `registry` is given (the caller then chose its
   * backends). The search runs only when a program asks for such a backend, once per client, so
   * runs on `local` never pay for it.
   */
  discoverPlugins?: boolean;
  /** Where run records and backend state go (default: `ICL_STATE_DIR` or `~/.local/state/icl`). */
  stateDirectory?: string;
  /** Where caches go (default: `ICL_CACHE_DIR` or `~/.cache/icl`). */
  cacheDirectory?: string;
  /** The settings file (default: `ICL_CONFIG` or `~/.config/icl/config.yaml`). */
  configFile?: string;
  /** The environment ICL reads its own variables from (`ICL_*`), `process.env` by default. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** The directory relative program and file paths are resolved against, `process.cwd()` by default. */
  workingDirectory?: string;
}

/** An infrastructure as listed by {@link Icl.infrastructures}. */
export interface InfrastructureListing extends Infrastructure {
  /** Whether runs go here when no infrastructure is named. */
  isDefault: boolean;
}

/** Options of {@link Icl.listRuns}. */
export interface ListRunsOptions {
  /** At most this many runs, newest first. */
  limit?: number;
  /**
   * Ask the backends for the current state of runs not yet recorded as ended (a detached run that
   * finished since), and store it. Off by default, since it may load backends.
   */
  refresh?: boolean;
  /**
   * Called for each record that cannot be read (its file and what is wrong), which the listing leaves
   * out: say it to the user, so a damaged record is never passed over in silence.
   */
  onDamagedRecord?: (damage: DamagedRunRecord) => void;
}

/**
 * An ICL client: settings, run store and backends of one user (or one test). `run()` validates
 * everything before it records anything, records the run durably, then hands it to the backend.
 */
export interface Icl {
  /** Where this client keeps its files. */
  readonly directories: IclDirectories;
  /** The backends it can use. */
  readonly registry: BackendRegistry;
  /**
   * Runs a program. Without `detach` it returns once the run has ended (successful or not: look at
   * `state()`, or call `result()` to get an exception on failure); with `detach` once it has started;
   * for a service once it is ready (its `state().endpoints` say where it answers).
   *
   * @throws InvalidArgumentError, UnknownInfrastructureError, UnknownBackendError,
   *   UnsupportedCapabilityError before anything is recorded, when the run cannot be made.
   */
  run(program: Program, options?: RunOptions): Promise<Run>;
  /** Like {@link Icl.run}, but returns as soon as the run has started, whether detached or not. */
  start(program: Program, options?: RunOptions): Promise<Run>;
  /**
   * A run recorded earlier, by id or unique id prefix, even one started by another process.
   *
   * @throws RunNotFoundError, or InvalidArgumentError for an ambiguous prefix.
   */
  getRun(idOrPrefix: string): Promise<Run & { record(): Promise<RunRecord> }>;
  /** The recorded runs, newest first. */
  listRuns(options?: ListRunsOptions): Promise<RunRecord[]>;
  /**
   * What an infrastructure offers (nodes, CPUs, memory, GPUs); the default infrastructure when none is
   * named. Backends that keep what they read (SSH fleets) may answer from it, saying when in
   * `observedAt`; `{ refresh: true }` reads every host again.
   */
  inventory(infrastructure?: InfrastructureSelector, options?: InventoryOptions): Promise<Inventory>;
  /** The infrastructures of the settings, with the built-in `local`. */
  infrastructures(): Promise<InfrastructureListing[]>;
  /** The settings in force (file and environment). */
  settings(): Promise<Settings>;
  /**
   * Registers the installed plugins the registry does not have yet (when plugin discovery is on; see
   * `IclOptions.discoverPlugins`) and returns every backend name the client knows. Runs find plugins by
   * themselves; this is for tools that list or resolve backends without running anything.
   */
  backendNames(): Promise<string[]>;
  /** Releases the backends' connections and timers, so the process can exit. */
  close(): Promise<void>;
}

/**
 * Creates an ICL client. Nothing is read until it is used: the settings file on first need, a
 * backend's plugin when a run first goes to it.
 */
export function createIcl(options: IclOptions = {}): Icl {
  return new IclClient(options);
}

class IclClient implements Icl {
  readonly directories: IclDirectories;
  readonly registry: BackendRegistry;
  readonly #environment: Readonly<Record<string, string | undefined>>;
  readonly #workingDirectory: string | undefined;
  readonly #store: RunStore;
  readonly #backends = new Map<string, Promise<BackendV1>>();
  readonly #discoversPlugins: boolean;
  #discovery: Promise<void> | undefined;
  #settings: Promise<Settings> | undefined;

  constructor(options: IclOptions) {
    this.#environment = options.environment ?? process.env;
    const defaults = resolveIclDirectories(this.#environment as NodeJS.ProcessEnv);
    this.directories = {
      configFile: options.configFile ?? defaults.configFile,
      stateDirectory: options.stateDirectory ?? defaults.stateDirectory,
      cacheDirectory: options.cacheDirectory ?? defaults.cacheDirectory,
    };
    this.registry = options.registry ?? createDefaultBackendRegistry();
    this.#discoversPlugins = options.discoverPlugins ?? options.registry === undefined;
    this.#workingDirectory = options.workingDirectory;
    this.#store = new RunStore(this.directories.stateDirectory);
  }

  settings(): Promise<Settings> {
    this.#settings ??= loadSettings({
      configFile: this.directories.configFile,
      environment: this.#environment,
    });
    // A failed read is not cached, so fixing the file fixes the next call.
    this.#settings.catch(() => {
      this.#settings = undefined;
    });
    return this.#settings;
  }

  async run(program: Program, options: RunOptions = {}): Promise<Run> {
    const run = await this.start(program, options);
    // A service keeps running: run() returns once it is ready, as with detach.
    if (!options.detach && !program.service) await run.wait();
    return run;
  }

  async start(program: Program, options: RunOptions = {}): Promise<Run> {
    const prepared = await prepareRun(
      program,
      options,
      (selector) => this.#resolveBackend(selector),
      this.#workingDirectory ?? process.cwd(),
    );
    const id = createRunId();
    const request = {
      ...prepared.request,
      runId: id,
      labels: {
        'icl.dev/run-id': id,
        'icl.dev/runtime-hash': prepared.request.runtimeHash,
        'icl.dev/infrastructure': prepared.infrastructure.name,
      },
    };
    const record: RunRecord = {
      id,
      createdAt: new Date().toISOString(),
      infrastructure: prepared.infrastructure.name,
      backend: prepared.backend.name,
      program: request.program,
      description: describeProgram(request.program),
      runtimeHash: request.runtimeHash,
      state: { status: 'pending' },
    };
    if (request.timeoutMilliseconds !== undefined) record.timeoutMilliseconds = request.timeoutMilliseconds;
    await this.#store.create(record);

    let handle: Awaited<ReturnType<BackendV1['startRun']>>;
    try {
      handle = await prepared.backend.startRun(request, {
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (IclError.isInstance(error) && refusedInputCodes.has(error.code)) {
        // The backend refused the request itself: nothing ran, so nothing stays recorded.
        await this.#store.remove(id);
        throw error;
      }
      const cancelled = options.signal?.aborted === true;
      await this.#store.update(id, (draft) => {
        draft.state = {
          status: cancelled ? 'cancelled' : 'failed',
          endedAt: new Date().toISOString(),
          reason: error instanceof Error ? error.message : String(error),
        };
      });
      throw error;
    }
    // The id is shown to nobody before start() returns, so the record is still the one created above.
    const stored = await this.#store.replace({ ...record, handle });
    const backend = prepared.backend;
    return new RunHandle({ record: stored, store: this.#store, getBackend: async () => backend });
  }

  async getRun(idOrPrefix: string): Promise<RunHandle> {
    const record = await this.#store.get(idOrPrefix);
    return this.#handleFor(record);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    let records = await this.#store.list(options.onDamagedRecord);
    if (options.limit !== undefined) records = records.slice(0, Math.max(0, options.limit));
    if (!options.refresh) return records;
    // Read before any backend is asked: a broken settings file is an error to report, not a reason to
    // show recorded states quietly (each backend's own failure below is).
    await this.settings();
    return Promise.all(
      records.map(async (record) => {
        if (isTerminalRunStatus(record.state.status) || record.handle === undefined) return record;
        try {
          const state = await this.#handleFor(record).state();
          return { ...record, state };
        } catch {
          // The backend may be gone or unreachable; the recorded state is the best we know.
          return record;
        }
      }),
    );
  }

  async inventory(infrastructure?: InfrastructureSelector, options?: InventoryOptions): Promise<Inventory> {
    const { backend } = await this.#resolveBackend(infrastructure);
    return backend.inventory(options);
  }

  async infrastructures(): Promise<InfrastructureListing[]> {
    const settings = await this.settings();
    return Object.keys(settings.infrastructures)
      .sort()
      .map((name) => ({
        ...resolveInfrastructure(settings, name, []),
        isDefault: name === settings.defaultInfrastructure,
      }));
  }

  async close(): Promise<void> {
    const backends = [...this.#backends.values()];
    this.#backends.clear();
    await Promise.all(
      backends.map(async (pending) => {
        const backend = await pending.catch(() => undefined);
        await backend?.close?.();
      }),
    );
  }

  #handleFor(record: RunRecord): RunHandle {
    return new RunHandle({
      record,
      store: this.#store,
      getBackend: async () => {
        // The settings may have changed since, or the infrastructure was defined in code: fall back
        // to the recorded backend with empty settings.
        const settings = await this.settings();
        const known = Object.hasOwn(settings.infrastructures, record.infrastructure);
        const selector = known
          ? record.infrastructure
          : { name: record.infrastructure, backend: record.backend };
        return (await this.#resolveBackend(selector)).backend;
      },
    });
  }

  async #resolveBackend(
    selector: InfrastructureSelector | undefined,
  ): Promise<{ infrastructure: Infrastructure; backend: BackendV1 }> {
    const settings = await this.settings();
    const resolve = () =>
      resolveInfrastructure(
        settings,
        selector,
        this.registry.list().map((registration) => registration.name),
      );
    let infrastructure: Infrastructure | undefined;
    let unresolved: unknown;
    try {
      infrastructure = resolve();
    } catch (error) {
      unresolved = error;
    }
    // Perhaps a plugin that is installed but not registered yet: look once, then resolve again.
    if ((!infrastructure || !this.registry.has(infrastructure.backend)) && (await this.#discoverPlugins())) {
      try {
        infrastructure = resolve();
      } catch (error) {
        throw notInstalled(requestedBackend(selector, settings)) ?? error;
      }
    }
    if (!infrastructure) throw unresolved;
    if (!this.registry.has(infrastructure.backend)) {
      const install = notInstalled(infrastructure.backend);
      if (install) throw install;
      // An unknown backend fails here, listing the installed ones, before any folder is made.
      this.registry.get(infrastructure.backend);
    }
    const key = JSON.stringify([infrastructure.name, infrastructure.backend, infrastructure.settings ?? {}]);
    let backend = this.#backends.get(key);
    if (!backend) {
      backend = createBackendContext(this.directories, infrastructure.backend).then((context) =>
        this.registry.create(infrastructure.backend, infrastructure.settings ?? {}, context),
      );
      this.#backends.set(key, backend);
      // A failed creation is not cached, so a retry after fixing the cause works.
      backend.catch(() => this.#backends.delete(key));
    }
    return { infrastructure, backend: await backend };
  }

  async backendNames(): Promise<string[]> {
    await this.#discoverPlugins();
    return this.registry.list().map((registration) => registration.name);
  }

  /** Registers the installed plugins the registry does not have, once; false when discovery is off. */
  async #discoverPlugins(): Promise<boolean> {
    if (!this.#discoversPlugins) return false;
    this.#discovery ??= discoverPlugins([
      this.#workingDirectory ?? process.cwd(),
      installationDirectory(),
    ]).then((plugins) => registerDiscoveredPlugins(this.registry, plugins));
    await this.#discovery;
    return true;
  }
}

/** The backend a selector asks for by name (`docker`, `docker:remote`), when it is not a defined infrastructure. */
function requestedBackend(
  selector: InfrastructureSelector | undefined,
  settings: Settings,
): string | undefined {
  if (selector === undefined) return undefined;
  if (typeof selector !== 'string') return selector.backend;
  if (Object.hasOwn(settings.infrastructures, selector)) return settings.infrastructures[selector]?.backend;
  return selector.split(':')[0];
}

/** One line saying which package to install, for a backend of ICL's own plugins that is not installed. */
function notInstalled(backend: string | undefined): UnknownBackendError | undefined {
  const packageName = backend === undefined ? undefined : firstPartyPlugins[backend];
  if (!packageName) return undefined;
  return new UnknownBackendError({
    backendName: backend!,
    availableBackends: [],
    message: `The ${backend} backend is not installed: npm install ${packageName}`,
    hint: `Install ${packageName} next to your project (or next to the CLI, for a global install).`,
  });
}
