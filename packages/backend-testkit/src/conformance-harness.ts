import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type BackendCapabilitiesV1,
  type BackendContextV1,
  type BackendV1,
  IclError,
  isTerminalRunStatus,
  type RunHandleV1,
  type RunRequestV1,
  type RunState,
  type RunStatus,
} from '@icl/core';
import type * as Vitest from 'vitest';
import type { TestContext } from 'vitest';
import type { BackendTestName } from './backend-test-names';
import type { BackendTestSuiteOptions } from './backend-test-suite-options';
import { collectLogs } from './collect-logs';
import { type FixturePrograms, writeFixturePrograms } from './fixture-programs';
import { RunRequestBuilder, type RunRequestParts } from './run-request-builder';
import { waitForProcessesToExit } from './wait-for-processes-to-exit';

/** Creates the backend under test from the directories the suite prepared. */
export type BackendFactory = (context: BackendContextV1) => BackendV1 | Promise<BackendV1>;

/** The body of one conformance test. */
export type ConformanceTestBody = (context: TestContext) => Promise<void>;

/** The per-test timeout before `timeoutScale`, in milliseconds. */
export const defaultTestTimeoutMilliseconds = 30_000;

interface SuiteSetup {
  root: string;
  backendContext: BackendContextV1;
  fixtures: FixturePrograms;
  backend: BackendV1;
}

/**
 * What every test of the suite shares: the vitest module it registers with, the backend created in
 * `beforeAll`, the fixture programs, the request builder, and the runs started so far (so a failing test
 * cannot leave a program running). Test groups receive it instead of each re-implementing setup and the
 * capability rule.
 */
export class ConformanceHarness {
  /** The caller's vitest module; the testkit never imports vitest itself. */
  readonly vitest: typeof Vitest;
  /** The validated suite options. */
  readonly options: BackendTestSuiteOptions;
  private readonly createBackend: BackendFactory;
  private readonly requestBuilder: RunRequestBuilder;
  private readonly unfinishedRuns = new Map<string, RunHandleV1>();
  private readonly registered = new Set<BackendTestName>();
  private setup: SuiteSetup | undefined;

  constructor(vitest: typeof Vitest, createBackend: BackendFactory, options: BackendTestSuiteOptions) {
    this.vitest = vitest;
    this.createBackend = createBackend;
    this.options = options;
    this.requestBuilder = new RunRequestBuilder(options.runtime);
  }

  /** The backend under test. */
  get backend(): BackendV1 {
    return this.requireSetup().backend;
  }

  /** The directories the backend was created with; the detach test creates a second backend with them. */
  get backendContext(): BackendContextV1 {
    return this.requireSetup().backendContext;
  }

  /** Absolute paths of the fixture programs and files. */
  get fixtures(): FixturePrograms {
    return this.requireSetup().fixtures;
  }

  /** The caller's `expect`. */
  get expect(): typeof Vitest.expect {
    return this.vitest.expect;
  }

  /** `milliseconds` multiplied by the `timeoutScale` option. */
  scaled(milliseconds: number): number {
    return Math.round(milliseconds * (this.options.timeoutScale ?? 1));
  }

  /**
   * Registers one test, or, when `disabledTests` names it, a skipped test whose title carries the reason.
   *
   * @param timeoutMilliseconds Before `timeoutScale`.
   */
  test(
    name: BackendTestName,
    body: ConformanceTestBody,
    timeoutMilliseconds = defaultTestTimeoutMilliseconds,
  ): void {
    if (this.registered.has(name))
      throw new Error(`backendTestSuite: test ${JSON.stringify(name)} registered twice.`);
    this.registered.add(name);
    const reason = this.options.disabledTests?.[name];
    if (reason !== undefined) {
      this.vitest.test.skip(`${name} (disabled: ${reason})`, () => {});
      return;
    }
    this.vitest.test(name, { timeout: this.scaled(timeoutMilliseconds) }, body);
  }

  /** Creates the temporary directories, writes the fixtures and creates the backend (`beforeAll`). */
  async setUp(): Promise<void> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'icl-testkit-'));
    const backendContext: BackendContextV1 = {
      stateDirectory: path.join(root, 'state'),
      cacheDirectory: path.join(root, 'cache'),
    };
    await mkdir(backendContext.stateDirectory, { recursive: true });
    await mkdir(backendContext.cacheDirectory, { recursive: true });
    const fixtures = await writeFixturePrograms(path.join(root, 'fixtures'));
    let backend: BackendV1;
    try {
      backend = await this.createBackend(backendContext);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
    this.setup = { root, backendContext, fixtures, backend };
    const { expect } = this.vitest;
    expect(backend.specificationVersion, 'backend.specificationVersion').toBe('v1');
    expect(
      typeof backend.name === 'string' && backend.name !== '',
      'backend.name must be a non-empty string',
    ).toBe(true);
    expect(typeof backend.capabilities, 'backend.capabilities').toBe('object');
  }

  /** Closes the backend and removes the temporary directories (`afterAll`). */
  async tearDown(): Promise<void> {
    const setup = this.setup;
    this.setup = undefined;
    if (setup === undefined) return;
    try {
      await setup.backend.close?.();
    } finally {
      await rm(setup.root, { recursive: true, force: true });
    }
  }

  /**
   * Cancels runs a test started but did not see end (it failed or timed out half-way), so one failure
   * does not leave programs running into the next test (`afterEach`). Best effort: errors are ignored.
   */
  async cancelUnfinishedRuns(): Promise<void> {
    const setup = this.setup;
    const handles = [...this.unfinishedRuns.values()];
    this.unfinishedRuns.clear();
    if (setup === undefined) return;
    await Promise.all(
      handles.map(async (handle) => {
        try {
          const state = await setup.backend.getRunState(handle);
          if (!isTerminalRunStatus(state.status) && setup.backend.capabilities.cancel) {
            await setup.backend.cancelRun(handle);
          }
        } catch {
          // The test already failed; cleaning up is best effort.
        }
      }),
    );
  }

  /** A complete request for `parts`, as the core would build it. */
  buildRequest(parts: RunRequestParts): RunRequestV1 {
    return this.requestBuilder.build(parts);
  }

  /**
   * Starts a run, checks the handle is the run's and plain JSON, and returns it as it comes back from a
   * run store (serialised and parsed), since that is how later commands see it.
   */
  async startRun(requestOrParts: RunRequestV1 | RunRequestParts): Promise<RunHandleV1> {
    const request = 'runId' in requestOrParts ? requestOrParts : this.buildRequest(requestOrParts);
    const handle = await this.backend.startRun(request);
    return this.adoptHandle(handle, request.runId);
  }

  /**
   * Checks a handle from `startRun` (here or in another process) and tracks it for cleanup; returns the
   * JSON round-tripped copy.
   */
  adoptHandle(handle: RunHandleV1, runId: string): RunHandleV1 {
    const { expect } = this.vitest;
    expect(handle, 'startRun must resolve with a handle').toBeTypeOf('object');
    expect(handle.runId, 'handle.runId must be the requested runId').toBe(runId);
    expect(handle.data, 'handle.data must be a JSON object').toBeTypeOf('object');
    const stored = JSON.parse(JSON.stringify(handle)) as RunHandleV1;
    expect(stored, 'handle must survive JSON.stringify/JSON.parse unchanged').toStrictEqual(handle);
    this.unfinishedRuns.set(runId, stored);
    return stored;
  }

  /**
   * Waits for a run, checks it ended in a terminal status, and stops tracking it. With a signal, gives up
   * when it aborts and fails with `options.failure`, so a run that never ends fails with an explanation
   * rather than a test timeout.
   */
  async waitForRun(
    handle: RunHandleV1,
    options: { signal?: AbortSignal; failure?: string } = {},
  ): Promise<RunState> {
    let state: RunState;
    try {
      state = await this.backend.waitForRun(
        handle,
        options.signal === undefined ? {} : { signal: options.signal },
      );
    } catch (error) {
      if (options.signal?.aborted)
        throw new Error(options.failure ?? 'waitForRun was aborted', { cause: error });
      throw error;
    }
    this.expect(
      isTerminalRunStatus(state.status),
      `waitForRun resolved with non-terminal status ${state.status}`,
    ).toBe(true);
    this.unfinishedRuns.delete(handle.runId);
    return state;
  }

  /** Cancels a run and stops tracking it. */
  async cancelRun(handle: RunHandleV1): Promise<RunState> {
    const state = await this.backend.cancelRun(handle);
    this.unfinishedRuns.delete(handle.runId);
    return state;
  }

  /**
   * The capability rule. Returns true when the backend declares `capability` (and, for anything that
   * runs a program, `jobs`), so the test goes on. Otherwise the test checks what the contract asks of a
   * backend without it: `refusedAttempt`, when given, must reject with an IclError of code
   * `unsupported-capability` (a backend refuses what it cannot honour); without one (nothing to refuse),
   * the capability must be `false` or absent. Then the test ends as skipped, its note saying which
   * capability is not declared and what was checked, so the report never shows it as passed.
   */
  async declares(
    context: TestContext,
    capability: keyof BackendCapabilitiesV1,
    refusedAttempt?: () => Promise<unknown>,
  ): Promise<boolean> {
    const refusedJob = () => this.startRun({ program: { kind: 'script', path: this.fixtures.hello } });
    if (capability === 'jobs') refusedAttempt ??= refusedJob;
    else if (!(await this.declares(context, 'jobs', refusedJob))) return false;
    const declared: unknown = this.backend.capabilities[capability];
    if (declared === true) return true;
    // Absent means "not supported", as `false` does (capability flags are optional).
    this.expect(
      declared === false || declared === undefined,
      `capabilities.${capability} must be true, false or absent, not ${JSON.stringify(declared)}`,
    ).toBe(true);
    if (refusedAttempt === undefined) {
      // A test that did not test must not look like one that passed: skipped, with why.
      context.skip(
        `not declared: ${capability} (checked only that capabilities.${capability} is false or absent)`,
      );
    }
    let accepted = false;
    let refusal: unknown;
    try {
      await refusedAttempt();
      accepted = true;
    } catch (error) {
      refusal = error;
    }
    this.expect(
      accepted,
      `The backend does not declare "${capability}" but accepted a request that needs it; it must refuse it up front with an UnsupportedCapabilityError (code "unsupported-capability").`,
    ).toBe(false);
    this.expect(
      IclError.isInstance(refusal) && refusal.code === 'unsupported-capability',
      `The backend does not declare "${capability}" and must refuse a request that needs it with an IclError of code "unsupported-capability", but it threw: ${String(refusal)}`,
    ).toBe(true);
    // The refusal was checked, but the capability's own test did not run: skipped, with why.
    context.skip(
      `not declared: ${capability} (checked that the backend refuses it with unsupported-capability)`,
    );
  }

  /**
   * Checks a run's state has `status` and well-formed timestamps. When the status is wrong, the message
   * includes the run's reason and the end of its stderr, which usually says why.
   */
  async expectFinalState(
    handle: RunHandleV1,
    state: RunState,
    status: RunStatus,
    what: string,
  ): Promise<void> {
    const { expect } = this.vitest;
    if (state.status !== status) {
      const logs = await collectLogs(this.backend, handle).catch((error: unknown) => ({
        stderr: `(readLogs failed: ${String(error)})`,
      }));
      const stderr = logs.stderr.slice(-2000);
      expect(
        state.status,
        `${what}: status (reason: ${state.reason ?? 'none'}; end of stderr: ${stderr || 'empty'})`,
      ).toBe(status);
    }
    for (const field of ['startedAt', 'endedAt'] as const) {
      const value = state[field];
      if (value === undefined) continue;
      expect(
        typeof value === 'string' &&
          /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) &&
          !Number.isNaN(Date.parse(value)),
        `${what}: ${field} must be an ISO 8601 timestamp, got ${JSON.stringify(value)}`,
      ).toBe(true);
    }
  }

  /**
   * With `hostProcesses`, checks that every process in `pids` has ended within 5 s; a no-op otherwise,
   * since the suite cannot see processes of containers or remote hosts.
   */
  async expectProcessesGone(pids: readonly number[], what: string): Promise<void> {
    if (!this.options.hostProcesses) return;
    const remaining = await waitForProcessesToExit(pids, this.scaled(5000));
    this.expect(remaining, `${what}: processes still running 5 s later`).toEqual([]);
  }

  /** Calls the `afterRun` option, the backend's own check that nothing of the run is left. */
  async checkNothingLeft(handle: RunHandleV1): Promise<void> {
    await this.options.afterRun?.(handle, this.backend);
  }

  private requireSetup(): SuiteSetup {
    if (this.setup === undefined) {
      throw new Error(
        'backendTestSuite: the backend is not available; its creation in beforeAll failed (see above).',
      );
    }
    return this.setup;
  }
}
