import type { JsonObject, ResourceProviderV1 } from '@icl/core';
import { closestName, InvalidArgumentError, UnsupportedSpecificationVersionError } from '@icl/core';
import { type ExecutionSummary, executePlan } from './apply/execute-plan';
import { refreshResources } from './apply/refresh-resources';
import { resolveInterruptedOperations } from './apply/resolve-interrupted-operations';
import type { Stack } from './declaration/stack';
import type { EngineEvent } from './engine-event';
import { ResourceOperationError } from './errors/resource-operation-error';
import { createDestroyPlan } from './planning/create-destroy-plan';
import { createPlan, recordedOutput } from './planning/create-plan';
import type { DetailedPlan } from './planning/detailed-plan';
import { type Plan, planHasChanges, type ResourceDrift } from './planning/plan';
import { resolveInputs } from './planning/resolve-inputs';
import { secretInputsOf, secretOutputsOf } from './planning/secret-properties';
import { UnknownValue } from './planning/unknown-value';
import type { LockHolder } from './state/lock-holder';
import type { ResourceState } from './state/resource-state';
import type { StateRestoreReport } from './state/restore-stack-state';
import type { StackState } from './state/stack-state';
import type { StackSummary, StateSession, StateStore } from './state/state-store';
import { validateStack } from './validation/validate-stack';
import type { ValidatedStack } from './validation/validated-stack';

/** Options of {@link createStackEngine}. */
export interface StackEngineOptions {
  /** Where states live (`createLocalStateStore(...)`). */
  store: StateStore;
  /**
   * Providers for types that stacks name without bringing a provider (stack files), and for deleting
   * recorded resources whose type a stack no longer declares.
   */
  providers?: Iterable<ResourceProviderV1>;
  /** At most this many provider operations at once (default 10). */
  concurrency?: number;
}

/** Options every engine operation takes. */
export interface OperationOptions {
  /** Progress of the operation. */
  onEvent?: (event: EngineEvent) => void;
  /** Stops starting new provider operations; those in flight finish and are recorded. */
  signal?: AbortSignal;
}

/** Options of {@link StackEngine.plan}. */
export interface PlanOptions extends OperationOptions {
  /** Read every recorded resource first, to plan against reality and report drift (default true). */
  refresh?: boolean;
  /** Only these resources and what they depend on (deletions: only these names). */
  targets?: readonly string[];
}

/** Options of {@link StackEngine.apply} and {@link StackEngine.destroy}. */
export interface ApplyOptions extends PlanOptions {
  /** At most this many provider operations at once (default: the engine's). */
  concurrency?: number;
  /**
   * Called with the plan, while the stack is locked, before anything changes; return false to stop.
   * Not called when there is nothing to do.
   */
  confirm?: (plan: Plan) => boolean | Promise<boolean>;
  /** What the lock names as the command holding it (`apply`, `destroy`). */
  command?: string;
}

/** What {@link StackEngine.apply} or {@link StackEngine.destroy} did. */
export interface ApplyResult {
  /** The plan that was applied (or declined). */
  plan: Plan;
  /** Whether it was carried out: false when there was nothing to do or `confirm` said no. */
  applied: boolean;
  /** Counts of what was done. */
  summary: ExecutionSummary;
}

/**
 * Plans, applies, refreshes, imports and destroys stacks against a state store. Every changing
 * operation locks the stack, first settles operations an interrupted run left unfinished, and records
 * each step durably as it ends, so a crash at any point is followed by a run that converges.
 */
export class StackEngine {
  readonly #store: StateStore;
  readonly #providers = new Map<string, ResourceProviderV1>();
  readonly #concurrency: number;

  constructor(options: StackEngineOptions) {
    this.#store = options.store;
    this.#concurrency = options.concurrency ?? 10;
    for (const provider of options.providers ?? []) {
      if (provider.specificationVersion !== 'v1')
        throw new UnsupportedSpecificationVersionError({
          message: `The provider of ${provider.type} implements resource-provider contract ${String(provider.specificationVersion)}, which this engine does not know.`,
          hint: 'Update @icl/engine, or use a version of the plugin made for it.',
          specificationVersion: String(provider.specificationVersion),
          supportedVersions: ['v1'],
        });
      this.#providers.set(provider.type, provider);
    }
  }

  /** The state store. */
  get store(): StateStore {
    return this.#store;
  }

  /** The resource types the engine has providers for (without a stack's own). */
  get types(): string[] {
    return [...this.#providers.keys()].sort();
  }

  /**
   * Checks a stack as {@link plan} does before it reads anything (names, types, references, input types,
   * cycles) without opening its state: for editors, CI and `icl validate`.
   *
   * @throws StackValidationError with every problem.
   */
  validate(stack: Stack): void {
    validateStack(stack, this.#providers);
  }

  /**
   * What an apply would do, without changing anything or locking the stack. With `refresh` (the
   * default) recorded resources are read first, so changes made outside ICL show as drift and in
   * the plan.
   */
  async plan(stack: Stack, options: PlanOptions = {}): Promise<Plan> {
    const validated = validateStack(stack, this.#providers);
    const state = await this.#store.read(stack.name);
    const drift =
      options.refresh === false
        ? []
        : await this.#refresh(state, validated, options, (change) => state.apply(change));
    return (await this.#createPlan(validated, state, { ...options, drift })).plan;
  }

  /** Makes the real resources match the stack: plans (see {@link plan}), asks `confirm`, applies. */
  async apply(stack: Stack, options: ApplyOptions = {}): Promise<ApplyResult> {
    const validated = validateStack(stack, this.#providers);
    return this.#withSession(stack.name, options.command ?? 'apply', options, async (session) => {
      await resolveInterruptedOperations(session, this.#providerFor(validated), this.#emitter(options));
      const drift =
        options.refresh === false
          ? []
          : await this.#refresh(session.state, validated, options, (change) => session.record(change));
      const detailed = await this.#createPlan(validated, session.state, { ...options, drift });
      return this.#execute(detailed, session, options);
    });
  }

  /**
   * Deletes every recorded resource of a stack (or the targets and what depends on them), dependents
   * first. A stack name is enough when the engine has providers for every recorded type; pass the
   * stack when it brings its own.
   */
  async destroy(stack: Stack | string, options: ApplyOptions = {}): Promise<ApplyResult> {
    const name = typeof stack === 'string' ? stack : stack.name;
    const providerFor = this.#providerForStack(stack);
    return this.#withSession(name, options.command ?? 'destroy', options, async (session) => {
      await resolveInterruptedOperations(session, providerFor, this.#emitter(options));
      if (options.refresh !== false)
        await this.#refreshWith(session.state, providerFor, options, (change) => session.record(change));
      const detailed = createDestroyPlan(session.state, providerFor, options.targets);
      return this.#execute(detailed, session, options);
    });
  }

  /** Reads every recorded resource and records what changed outside ICL; returns the drift. */
  async refresh(stack: Stack | string, options: OperationOptions = {}): Promise<ResourceDrift[]> {
    const name = typeof stack === 'string' ? stack : stack.name;
    const providerFor = this.#providerForStack(stack);
    return this.#withSession(name, 'refresh', options, async (session) => {
      await resolveInterruptedOperations(session, providerFor, this.#emitter(options));
      return this.#refreshWith(session.state, providerFor, options, (change) => session.record(change));
    });
  }

  /**
   * Starts managing a resource that exists already: `name` must be declared in the stack (which gives
   * its type and inputs) and not recorded yet; the provider reads the resource with id `id`. The next
   * plan shows where it differs from its declaration.
   */
  async importResource(
    stack: Stack,
    name: string,
    id: string,
    options: OperationOptions = {},
  ): Promise<ResourceState> {
    const validated = validateStack(stack, this.#providers);
    const resource = validated.byName.get(name);
    if (!resource) {
      const suggestion = closestName(name, validated.byName.keys());
      throw new InvalidArgumentError({
        argument: 'resource',
        message: `Stack "${stack.name}" declares no resource "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}.`,
        hint: 'Declare it in the stack first: its type and inputs say what is imported.',
      });
    }
    return this.#withSession(stack.name, 'import', options, async (session) => {
      await resolveInterruptedOperations(session, this.#providerFor(validated), this.#emitter(options));
      const existing = session.state.resources.get(name);
      if (existing)
        throw new InvalidArgumentError({
          argument: 'resource',
          message: `Resource "${name}" of stack "${stack.name}" is already managed (id ${existing.id}).`,
          hint: `Run \`icl state rm ${name}\` first to manage another one under that name.`,
        });
      const { declaration, provider, urn } = resource;
      if (!provider.read)
        throw new ResourceOperationError('import-unsupported', {
          message: `Resources of type ${declaration.type} cannot be imported: its provider cannot read them.`,
        });
      const resolved = resolveInputs(declaration.inputs, (reference) =>
        recordedOutput(
          session.state.resources.get(reference.resource),
          reference,
          validated.byName.get(reference.resource)?.provider,
        ),
      );
      let values = knownValues(resolved.values);
      if (provider.check && !resolved.hasUnknowns) values = (await provider.check(values)).inputs;
      const real = await provider.read(id, values, { urn });
      if (!real)
        throw new InvalidArgumentError({
          argument: 'id',
          message: `No ${declaration.type} with id "${id}" exists.`,
          hint: 'Check the id: for files and directories it is the path.',
        });
      const now = new Date().toISOString();
      const secretInputs = secretInputsOf(provider, resolved);
      const secretOutputs = secretOutputsOf(provider, real.outputs, secretInputs);
      const record: ResourceState = {
        name,
        type: declaration.type,
        urn,
        id: real.id,
        inputs: values,
        outputs: real.outputs,
        dependencies: [...resource.dependencies],
        ...(secretInputs.size > 0 && { secretInputs: [...secretInputs] }),
        ...(secretOutputs.length > 0 && { secretOutputs }),
        createdAt: now,
        updatedAt: now,
      };
      await session.record({ kind: 'created', resource: record });
      return record;
    });
  }

  /**
   * Stops managing a resource without touching it (`icl state rm`), including an unfinished operation
   * on it. Returns whether anything was recorded under that name.
   */
  async forgetResource(stack: string, name: string, options: OperationOptions = {}): Promise<boolean> {
    return this.#withSession(stack, 'state rm', options, async (session) => {
      const { state } = session;
      const known =
        state.has(name) || [...state.pending.values()].some((operation) => operation.name === name);
      if (known) await session.record({ kind: 'forgotten', name });
      return known;
    });
  }

  /** A stack's recorded state, without locking. */
  readState(stack: string): Promise<StackState> {
    return this.#store.read(stack);
  }

  /** Every stack with recorded state. */
  listStacks(): Promise<StackSummary[]> {
    return this.#store.listStacks();
  }

  /** Removes a stack's lock whoever holds it; returns who held it. */
  unlock(stack: string): Promise<LockHolder | undefined> {
    return this.#store.unlock(stack);
  }

  /**
   * Rebuilds a damaged stack's state from the previous generation the state store keeps (`icl state
   * restore`); the replaced files are kept. The report says up to which change the state was restored.
   */
  restoreState(stack: string): Promise<StateRestoreReport> {
    return this.#store.restore(stack);
  }

  async #execute(detailed: DetailedPlan, session: StateSession, options: ApplyOptions): Promise<ApplyResult> {
    const summary: ExecutionSummary = { created: 0, updated: 0, replaced: 0, deleted: 0 };
    if (!planHasChanges(detailed.plan)) return { plan: detailed.plan, applied: false, summary };
    if (options.confirm && !(await options.confirm(detailed.plan)))
      return { plan: detailed.plan, applied: false, summary };
    const done = await executePlan(detailed, {
      session,
      concurrency: options.concurrency ?? this.#concurrency,
      emit: this.#emitter(options),
      ...(options.signal && { signal: options.signal }),
    });
    return { plan: detailed.plan, applied: true, summary: done };
  }

  async #withSession<Result>(
    stack: string,
    command: string,
    options: OperationOptions,
    work: (session: StateSession) => Promise<Result>,
  ): Promise<Result> {
    const session = await this.#store.open(stack, command);
    try {
      if (session.staleLockHolder)
        this.#emitter(options)({ type: 'stale-lock-taken-over', stack, holder: session.staleLockHolder });
      if (session.repaired)
        this.#emitter(options)({ type: 'state-repaired', stack, message: session.repaired });
      return await work(session);
    } finally {
      await session.close();
    }
  }

  #createPlan(
    validated: ValidatedStack,
    state: StackState,
    options: PlanOptions & { drift: ResourceDrift[] },
  ) {
    return createPlan(validated, state, {
      ...(options.targets && { targets: options.targets }),
      drift: options.drift,
      providerFor: this.#providerFor(validated),
    });
  }

  async #refresh(
    state: StackState,
    validated: ValidatedStack,
    options: PlanOptions,
    record: (change: Parameters<StackState['apply']>[0]) => unknown,
  ): Promise<ResourceDrift[]> {
    return this.#refreshWith(state, this.#providerFor(validated), options, record);
  }

  async #refreshWith(
    state: StackState,
    providerFor: (type: string) => ResourceProviderV1 | undefined,
    options: OperationOptions,
    record: (change: Parameters<StackState['apply']>[0]) => unknown,
  ): Promise<ResourceDrift[]> {
    const emit = this.#emitter(options);
    const count = state.allResources().length;
    if (count === 0) return [];
    const startedAt = performance.now();
    emit({ type: 'refresh-started', resources: count });
    const drift = await refreshResources(state, {
      providerFor,
      concurrency: this.#concurrency,
      record,
      ...(options.signal && { signal: options.signal }),
    });
    emit({ type: 'refresh-finished', drifted: drift.length, durationMs: performance.now() - startedAt });
    return drift;
  }

  #providerFor(validated: ValidatedStack): (type: string) => ResourceProviderV1 | undefined {
    return (type) => validated.providers.get(type) ?? this.#providers.get(type);
  }

  #providerForStack(stack: Stack | string): (type: string) => ResourceProviderV1 | undefined {
    const own = new Map<string, ResourceProviderV1>();
    if (typeof stack !== 'string')
      for (const declaration of stack.resources)
        if (declaration.provider) own.set(declaration.type, declaration.provider);
    return (type) => own.get(type) ?? this.#providers.get(type);
  }

  #emitter(options: OperationOptions): (event: EngineEvent) => void {
    return options.onEvent ?? (() => undefined);
  }
}

/** Creates a {@link StackEngine}. */
export function createStackEngine(options: StackEngineOptions): StackEngine {
  return new StackEngine(options);
}

function knownValues(values: JsonObject): JsonObject {
  const known: JsonObject = {};
  for (const [key, value] of Object.entries(values)) if (!UnknownValue.within(value)) known[key] = value;
  return known;
}
