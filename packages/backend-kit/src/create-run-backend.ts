import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BackendCapabilitiesV1,
  BackendUnavailableError,
  type BackendV1,
  InvalidArgumentError,
  type InventoryOptionsV1,
  type InventoryV1,
  type JsonValue,
  type LogChunkV1,
  type ReadLogsOptionsV1,
  type RunHandleV1,
  type RunRequestV1,
  type RunStateV1,
  type ServiceEndpoint,
  type ServiceOptions,
  type StartRunOptionsV1,
  UnsupportedCapabilityError,
} from '@icl/core';
import { abortable } from './abortable';
import { anySignal } from './any-signal';
import { checkRunId } from './check-run-id';
import { checkServiceOptions } from './check-service-options';
import { type EndedObservation, endedRunState, type FunctionResult, hasEnded } from './ended-run-state';
import { LogDecoder } from './log-decoder';
import { RunDirectory } from './run-directory';
import type { RunDriver, RunObservation } from './run-driver';
import { waitForServiceReadiness } from './wait-for-service-readiness';

/** Where the backend keeps its runs' directories (`<stateDirectory>/runs/<runId>`). */
export interface RunBackendContext {
  /** The backend's durable directory, from `BackendContextV1.stateDirectory` or its settings. */
  stateDirectory: string;
}

/** What the kit records about a run in its `run.json`, around the driver's own record. */
interface KitRunRecord<DriverRecord> {
  /** The driver's record. */
  driver: DriverRecord;
  /** When the run was submitted: the start of its timeout when the place does not say when it started. */
  submittedAt: string;
  /** Whether the program is a Python function whose result is read back. */
  returnsResult: boolean;
  timeoutMilliseconds?: number;
  /** A started service's endpoints, once it answered. */
  endpoints?: ServiceEndpoint[];
}

const defaultReadinessTimeout = 60_000;
const pollMilliseconds = 200;
/** How often a run whose place is out of reach is looked at again while waiting for it. */
const unreachableRetryMilliseconds = 2000;
/** How long the kit reads a run's remaining output when it records the end. */
const outputAllowance = 120_000;

/** How a run stopped by the kit ended, and whether its output was kept while it stopped. */
type StoppedObservation = EndedObservation & { outputKept?: boolean };

/**
 * Turns a {@link RunDriver} into a whole `BackendV1`. The kit owns what every backend shares:
 *
 * - **the run's directory** on the caller's machine (`<stateDirectory>/runs/<runId>`): the record, and
 *   once the run has ended its complete output and final state, so `icl logs` and `icl status` work from
 *   any process after the place has forgotten the run;
 * - **one end**: whichever process sees the run end first (the starter, `icl logs`, `icl status`, a
 *   cancel) records it, and every other keeps that record; a stop ICL asked for decides the status;
 * - **logs**: live from the place while the run lives, then the rest from the kept output, each byte
 *   once, from the beginning on every call;
 * - **waiting** (with the driver's `waitForChange`, or by polling), **idempotent cancel**, the
 *   **readiness** of services with their endpoints, and the **timeout** of runs whose place cannot
 *   enforce one;
 * - requests the driver's capabilities do not cover are refused before anything starts.
 *
 * @example
 * ```ts
 * export function createShellBackend(settings: ShellSettings, context: BackendContextV1): BackendV1 {
 *   return createRunBackend(shellDriver(settings), context);
 * }
 * ```
 */
export function createRunBackend<DriverRecord>(
  driver: RunDriver<DriverRecord>,
  context: RunBackendContext,
): BackendV1 {
  return new RunBackend(driver, context);
}

class RunBackend<DriverRecord> implements BackendV1 {
  readonly specificationVersion = 'v1' as const;
  readonly name: string;
  readonly capabilities: BackendCapabilitiesV1;
  readonly resourceProviders?: BackendV1['resourceProviders'];

  readonly #driver: RunDriver<DriverRecord>;
  readonly #runsDirectory: string;
  /** Ends being recorded by this process, so concurrent observers record each end once. */
  readonly #endings = new Map<string, Promise<RunStateV1>>();
  /** Attached runs whose end this process waits for, to record it as soon as it happens. */
  readonly #supervised = new Map<string, Promise<RunStateV1>>();
  /** Cancels under way in this process, which closing the backend lets finish. */
  readonly #cancels = new Set<Promise<RunStateV1>>();
  /** Aborts waits and log streams still open when the backend is closed. */
  readonly #closing = new AbortController();

  constructor(driver: RunDriver<DriverRecord>, context: RunBackendContext) {
    this.#driver = driver;
    this.name = driver.name;
    this.capabilities = { jobs: true, logFollow: true, cancel: true, detach: true, ...driver.capabilities };
    if (driver.resourceProviders) this.resourceProviders = driver.resourceProviders;
    this.#runsDirectory = path.join(context.stateDirectory, 'runs');
  }

  inventory(options?: InventoryOptionsV1): Promise<InventoryV1> {
    return this.#driver.inventory(options);
  }

  async startRun(request: RunRequestV1, options: StartRunOptionsV1 = {}): Promise<RunHandleV1> {
    checkRunId(request.runId);
    this.#refuseUndeclared(request);
    const service = request.program.service;
    if (service) checkServiceOptions(service, { portsRequired: this.#driver.servicesNeedPorts === true });
    const directory = new RunDirectory<KitRunRecord<DriverRecord>>(
      path.join(this.#runsDirectory, request.runId),
    );
    const made = await directory.create();
    const handle: RunHandleV1 = { runId: request.runId, data: { directory: directory.root } };
    let record: KitRunRecord<DriverRecord>;
    try {
      const driverRecord = await this.#driver.submit(request, {
        directory: directory.root,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      record = {
        driver: driverRecord,
        submittedAt: new Date().toISOString(),
        returnsResult: request.program.kind === 'function',
        ...(request.timeoutMilliseconds === undefined
          ? {}
          : { timeoutMilliseconds: request.timeoutMilliseconds }),
      };
      try {
        await directory.writeRecord(record);
      } catch (error) {
        await this.#discard(driverRecord);
        throw error;
      }
    } catch (error) {
      // Nothing runs: leave nothing behind, not even the runs directory if this run made it (unless
      // another run has put its own there meanwhile).
      await fs.rm(directory.root, { recursive: true, force: true });
      for (
        let parent = path.dirname(directory.root);
        made !== directory.root;
        parent = path.dirname(parent)
      ) {
        if (
          !(await fs.rmdir(parent).then(
            () => true,
            () => false,
          )) ||
          parent === made
        )
          break;
      }
      throw error;
    }
    if (service) {
      try {
        await this.#waitUntilReady(handle, directory, record, service, options.signal);
      } catch (error) {
        // Aborted or failed while waiting: the caller gets no handle, so nothing may keep running.
        await this.#discard(record.driver);
        await fs.rm(directory.root, { recursive: true, force: true });
        throw error;
      }
    } else if (!request.detach) this.#supervise(handle, directory, record);
    return handle;
  }

  async getRunState(handle: RunHandleV1): Promise<RunStateV1> {
    const directory = this.#directory(handle);
    const final = await directory.readFinalState();
    if (final) return final;
    const record = await directory.requireRecord(handle.runId, this.name);
    let observation: RunObservation;
    try {
      observation = await this.#observe(directory, record);
    } catch (error) {
      // The place is out of reach (a host that dropped off): the run may go on there; say so.
      if (!BackendUnavailableError.isInstance(error)) throw error;
      return { status: 'unreachable', reason: error.message };
    }
    if (hasEnded(observation)) return this.#recordEnd(handle, directory, record, observation);
    if (observation.status === 'pending')
      return { status: 'pending', ...(observation.reason ? { reason: observation.reason } : {}) };
    return {
      status: 'running',
      ...(observation.startedAt ? { startedAt: observation.startedAt } : {}),
      ...(record.endpoints ? { endpoints: record.endpoints } : {}),
    };
  }

  async *readLogs(handle: RunHandleV1, options: ReadLogsOptionsV1 = {}): AsyncGenerator<LogChunkV1> {
    const directory = this.#directory(handle);
    const signal = anySignal(options.signal, this.#closing.signal);
    const follow = options.follow ?? false;
    const decoder = new LogDecoder();
    if (!(await directory.readFinalState())) {
      const record = await directory.requireRecord(handle.runId, this.name);
      try {
        for await (const output of this.#driver.readOutput(record.driver, { follow, signal })) {
          const chunk = decoder.decode(output);
          if (chunk) yield chunk;
        }
      } catch (error) {
        // The place forgot the run while we read (another process recorded its end): the rest is kept.
        if (signal.aborted) return;
        if (!(await directory.readFinalState())) throw error;
      }
      if (signal.aborted) return;
      if (!follow && !(await directory.readFinalState())) {
        yield* decoder.flush();
        return;
      }
      // The program has ended: make sure its end and complete output are kept, then deliver whatever
      // the live stream did not.
      await this.waitForRun(handle, { signal });
    }
    for await (const output of directory.readOutput(decoder.offsets)) {
      if (signal.aborted) return;
      const chunk = decoder.decode(output);
      if (chunk) yield chunk;
    }
    yield* decoder.flush();
  }

  async waitForRun(handle: RunHandleV1, options: { signal?: AbortSignal } = {}): Promise<RunStateV1> {
    const directory = this.#directory(handle);
    const signal = anySignal(options.signal, this.#closing.signal);
    for (;;) {
      signal.throwIfAborted();
      const final = await directory.readFinalState();
      if (final) return final;
      const supervised = this.#supervised.get(handle.runId);
      if (supervised) {
        const ended = await abortable(supervised, signal).catch(() => undefined);
        if (ended) return ended;
        continue;
      }
      const record = await directory.requireRecord(handle.runId, this.name);
      const observation = await this.#observeWhenReachable(directory, record, signal);
      if (observation === undefined) continue;
      if (hasEnded(observation)) return this.#recordEnd(handle, directory, record, observation);
      await this.#waitForChange(record, observation, signal);
    }
  }

  async cancelRun(handle: RunHandleV1): Promise<RunStateV1> {
    const directory = this.#directory(handle);
    const final = await directory.readFinalState();
    if (final) return final;
    const record = await directory.requireRecord(handle.runId, this.name);
    const cancelling = (async () => {
      const observation = await this.#driver.observe(record.driver);
      if (hasEnded(observation)) return this.#recordEnd(handle, directory, record, observation);
      await directory.requestStop({ status: 'cancelled', reason: 'Cancelled by request.' });
      return this.#stopAndRecord(handle, directory, record);
    })();
    this.#cancels.add(cancelling);
    return cancelling.finally(() => this.#cancels.delete(cancelling));
  }

  /**
   * Stops waiting and following; runs keep going where they run, and whoever looks next records their
   * end. Cancels and ends already under way finish first, so nothing they remove is left behind.
   */
  async close(): Promise<void> {
    this.#closing.abort(new Error(`The ${this.name} backend was closed.`));
    await Promise.allSettled([...this.#supervised.values(), ...this.#endings.values(), ...this.#cancels]);
    // A cancel or supervisor may have started recording an end while the others settled.
    await Promise.allSettled(this.#endings.values());
    await this.#driver.close?.();
  }

  /** Refuses what the driver's capabilities do not cover, before anything starts. */
  #refuseUndeclared(request: RunRequestV1): void {
    const needs: [keyof BackendCapabilitiesV1, boolean, string][] = [
      ['services', request.program.service !== undefined, 'run services'],
      ['pythonFunctions', request.program.kind === 'function', 'call Python functions'],
      ['files', (request.runtime.files ?? []).length > 0, 'ship files'],
      ['timeout', request.timeoutMilliseconds !== undefined, 'enforce timeouts'],
      ['gpus', request.resources.gpu !== undefined, 'give runs GPUs'],
      ['detach', request.detach, 'run detached'],
    ];
    for (const [capability, needed, what] of needs)
      if (needed && this.capabilities[capability] !== true)
        throw new UnsupportedCapabilityError({
          backendName: this.name,
          capability,
          message: this.#driver.unsupported?.[capability] ?? `The ${this.name} backend cannot ${what}.`,
          hint: 'Run it on an infrastructure whose backend can (icl plugins ls shows what each can do).',
        });
  }

  /** One look at the run, stopping it first when it has outlived a timeout the place does not enforce. */
  async #observe(directory: RunDirectory<KitRunRecord<DriverRecord>>, record: KitRunRecord<DriverRecord>) {
    const observation = await this.#driver.observe(record.driver);
    if (observation.status !== 'running' || this.#deadline(record, observation) > Date.now())
      return observation;
    await directory.requestStop({
      status: 'timed-out',
      reason: `Stopped after the timeout of ${record.timeoutMilliseconds} ms.`,
    });
    return this.#stop(directory, record);
  }

  /**
   * One look at the run, as {@link #observe}; when the place is out of reach (a host that dropped off),
   * waits a while and resolves undefined, so a waiter looks again until it answers: the run may well go
   * on there meanwhile.
   */
  async #observeWhenReachable(
    directory: RunDirectory<KitRunRecord<DriverRecord>>,
    record: KitRunRecord<DriverRecord>,
    signal: AbortSignal,
  ): Promise<RunObservation | undefined> {
    try {
      return await this.#observe(directory, record);
    } catch (error) {
      if (!BackendUnavailableError.isInstance(error)) throw error;
      await sleep(unreachableRetryMilliseconds, undefined, { signal });
      return undefined;
    }
  }

  /** When the kit stops the run for its timeout: never, when the place enforces timeouts itself. */
  #deadline(record: KitRunRecord<DriverRecord>, observation: RunObservation): number {
    if (this.#driver.enforcesTimeouts || record.timeoutMilliseconds === undefined)
      return Number.POSITIVE_INFINITY;
    const startedAt = (observation.status === 'running' && observation.startedAt) || record.submittedAt;
    return Date.parse(startedAt) + record.timeoutMilliseconds;
  }

  /**
   * Asks the driver to stop the run and looks until it has ended, keeping its output meanwhile: the
   * output is followed to its end while the program stops, so a place that removes a run to stop it
   * loses none of it. The observation says `outputKept` when that worked.
   */
  async #stop(
    directory: RunDirectory<KitRunRecord<DriverRecord>>,
    record: KitRunRecord<DriverRecord>,
  ): Promise<StoppedObservation> {
    const keeping = this.#driver.outputInRunDirectory
      ? Promise.resolve(true)
      : directory
          .writeOutputStream(
            this.#driver.readOutput(record.driver, {
              follow: true,
              signal: AbortSignal.timeout(outputAllowance),
            }),
          )
          .then(
            () => true,
            () => false,
          );
    await this.#driver.stop(record.driver);
    let observation: RunObservation;
    for (;;) {
      observation = await this.#driver.observe(record.driver);
      if (hasEnded(observation)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Object.assign(observation, { outputKept: await keeping });
  }

  /** Stops the run, then records its end (the stop request written before decides the status). */
  async #stopAndRecord(
    handle: RunHandleV1,
    directory: RunDirectory<KitRunRecord<DriverRecord>>,
    record: KitRunRecord<DriverRecord>,
  ): Promise<RunStateV1> {
    return this.#recordEnd(handle, directory, record, await this.#stop(directory, record));
  }

  /** Waits until the run may have changed, but not past the moment its timeout falls due. */
  async #waitForChange(
    record: KitRunRecord<DriverRecord>,
    observation: RunObservation,
    signal: AbortSignal,
  ): Promise<void> {
    const untilDeadline = Math.min(this.#deadline(record, observation) - Date.now(), 2 ** 31 - 1);
    const waitSignal = anySignal(signal, AbortSignal.timeout(Math.max(untilDeadline, 0)));
    const change = this.#driver.waitForChange
      ? this.#driver.waitForChange(record.driver, waitSignal)
      : new Promise((resolve) => setTimeout(resolve, pollMilliseconds));
    await abortable(change, waitSignal).catch(() => undefined);
    signal.throwIfAborted();
  }

  /** Waits in the background for an attached run to end, and records the end right away. */
  #supervise(
    handle: RunHandleV1,
    directory: RunDirectory<KitRunRecord<DriverRecord>>,
    record: KitRunRecord<DriverRecord>,
  ): void {
    const signal = this.#closing.signal;
    const ended = (async () => {
      for (;;) {
        const observation = await this.#observeWhenReachable(directory, record, signal);
        if (observation === undefined) continue;
        if (hasEnded(observation)) return this.#recordEnd(handle, directory, record, observation);
        await this.#waitForChange(record, observation, signal);
      }
    })();
    this.#supervised.set(handle.runId, ended);
    ended.then(
      () => this.#supervised.delete(handle.runId),
      () => this.#supervised.delete(handle.runId),
    );
  }

  /**
   * Waits until a service answers on its readiness port, then records its endpoints. A service that
   * exits first or does not answer in time is stopped and ends `failed` with the reason.
   */
  async #waitUntilReady(
    handle: RunHandleV1,
    directory: RunDirectory<KitRunRecord<DriverRecord>>,
    record: KitRunRecord<DriverRecord>,
    service: ServiceOptions,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!this.#driver.endpoints)
      throw new Error(`The ${this.name} driver declares services but has no endpoints method.`);
    const port = service.readiness?.port ?? service.ports[0];
    const timeout = service.readiness?.timeoutMilliseconds ?? defaultReadinessTimeout;
    const what = service.readiness?.path ? `GET ${service.readiness.path} on port ${port}` : `port ${port}`;
    const startedWaiting = Date.now();
    const deadline = AbortSignal.timeout(timeout);
    const fail = async (reason: string) => {
      await directory.requestStop({ status: 'failed', reason });
      await this.#stopAndRecord(handle, directory, record);
    };
    const notAnswering = `The service did not answer on ${what} within ${timeout} ms, so it was stopped.`;
    let endpoints: ServiceEndpoint[] | undefined;
    try {
      endpoints = await this.#driver.endpoints(record.driver, service, anySignal(signal, deadline));
    } catch (error) {
      if (!deadline.aborted || signal?.aborted) throw error;
      return fail(notAnswering);
    }
    await directory.writeRecord(record);
    if (!endpoints) return fail(`The service exited before it answered on ${what}.`);
    const checked = endpoints.find((endpoint) => endpoint.port === port);
    // No endpoint for the port to check: the service ended before its port could be reached (a
    // container that exited has no published ports), or the port is not reachable from here.
    if (!checked)
      return fail(
        hasEnded(await this.#driver.observe(record.driver))
          ? `The service exited before it answered on ${what}.`
          : `The service's port ${port} cannot be reached from this machine, so it was stopped.`,
      );
    const url = new URL(checked.url);
    const readiness = await waitForServiceReadiness({
      address: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port),
      ...(service.readiness?.path === undefined ? {} : { path: service.readiness.path }),
      timeoutMilliseconds: Math.max(0, timeout - (Date.now() - startedWaiting)),
      isRunning: async () => !hasEnded(await this.#driver.observe(record.driver)),
      ...(signal ? { signal } : {}),
    });
    if (!readiness.ready)
      return fail(readiness.exited ? `The service exited before it answered on ${what}.` : notAnswering);
    record.endpoints = endpoints;
    await directory.writeRecord(record);
  }

  /**
   * Records how an ended run ended, once per process and once overall: its complete output, a
   * function's result, its final state (whichever process records it first wins); then removes what it
   * left where it ran.
   */
  #recordEnd(
    handle: RunHandleV1,
    directory: RunDirectory<KitRunRecord<DriverRecord>>,
    record: KitRunRecord<DriverRecord>,
    observation: EndedObservation,
  ): Promise<RunStateV1> {
    let ending = this.#endings.get(handle.runId);
    if (!ending) {
      ending = (async () => {
        const existing = await directory.readFinalState();
        if (existing) {
          await this.#driver.remove(record.driver);
          return existing;
        }
        const outputKept =
          this.#driver.outputInRunDirectory || (observation as StoppedObservation).outputKept;
        if (observation.status !== 'gone' && !outputKept) {
          const signal = AbortSignal.timeout(outputAllowance);
          await directory
            .writeOutputStream(this.#driver.readOutput(record.driver, { follow: false, signal }))
            .catch(() => undefined);
        }
        const stop = await directory.readStopRequest();
        const result =
          record.returnsResult && !stop && observation.status === 'exited' && observation.exitCode === 0
            ? await this.#readResult(record)
            : undefined;
        const final = await directory.writeFinalState(
          endedRunState(observation, stop, result, {
            backendName: this.name,
            ...(record.timeoutMilliseconds === undefined
              ? {}
              : { timeoutMilliseconds: record.timeoutMilliseconds }),
          }),
        );
        await this.#driver.remove(record.driver);
        return final;
      })().finally(() => this.#endings.delete(handle.runId));
      this.#endings.set(handle.runId, ending);
    }
    return ending;
  }

  async #readResult(record: KitRunRecord<DriverRecord>): Promise<FunctionResult> {
    try {
      const text = await this.#driver.readResult?.(record.driver);
      if (text === undefined)
        return { ok: false, reason: 'The function returned, but its result did not come back.' };
      return { ok: true, value: JSON.parse(text) as JsonValue };
    } catch (error) {
      return {
        ok: false,
        reason: `The function returned, but its result could not be read: ${(error as Error).message}`,
      };
    }
  }

  /** Stops and removes a run whose caller gets no handle. */
  async #discard(record: DriverRecord): Promise<void> {
    await this.#driver.stop(record).catch(() => undefined);
    await this.#driver.remove(record).catch(() => undefined);
  }

  #directory(handle: RunHandleV1): RunDirectory<KitRunRecord<DriverRecord>> {
    const directory = handle.data.directory;
    if (typeof directory !== 'string')
      throw new InvalidArgumentError({
        argument: 'handle',
        message: `The handle of run ${handle.runId} is not a handle of the ${this.name} backend.`,
        hint: 'Pass the handle that startRun returned for this run.',
      });
    return new RunDirectory(directory);
  }
}
