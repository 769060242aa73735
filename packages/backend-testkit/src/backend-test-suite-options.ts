import type { BackendV1, JsonObject, RunHandleV1, Runtime } from '@icl/core';
import { type BackendTestName, backendTestNames, isBackendTestName } from './backend-test-names';

/**
 * How to create the backend under test in another Node.js process: the module that exports its factory
 * and the settings to call it with.
 *
 * The detach test needs it because the only honest way to check that a run outlives the process that
 * started it is to start it from a process that then exits.
 */
export interface BackendModuleReference {
  /**
   * The module to import: a package name (`@icl/plugin-local`), resolved from the current working directory
   * so the caller's own dependencies are found, or an absolute path to a JavaScript file.
   */
  specifier: string;
  /** The name of the exported factory (`createLocalBackend`), called as `factory(settings, context)`. */
  exportName: string;
  /** Settings passed to the factory; the same settings the in-process backend was created with. */
  settings?: JsonObject;
}

/** Options of {@link backendTestSuite}. */
export interface BackendTestSuiteOptions {
  /** The backend's name, shown in the suite title (`backend conformance: <name>`) so reports say what failed. */
  name: string;
  /**
   * How to create the same backend in another process. Required by the detach test when the backend
   * declares `detach`; without it that test fails and says to pass this or disable the test with a reason.
   */
  module?: BackendModuleReference;
  /**
   * Whether programs run as processes of this machine. When true, the suite also checks directly that
   * cancelled and timed-out process trees are gone, which it cannot do for containers or remote hosts.
   */
  hostProcesses?: boolean;
  /**
   * A runtime merged into the runtime of every test run (for example the `image` a container backend
   * needs). The suite's programs only need Python 3 with its standard library.
   */
  runtime?: Runtime;
  /**
   * Tests this backend cannot pass, by exact name (see `backendTestNames`), each with the reason why. The
   * reason is shown in the skipped test's title so a disabled test is never silent. Names are typed, and
   * checked again when the suite is registered: an unknown name or an empty reason throws.
   */
  disabledTests?: Partial<Record<BackendTestName, string>>;
  /**
   * Multiplies every per-test and hook timeout, for backends that are slow to start runs (pulling images,
   * scheduling pods). Defaults to 1.
   */
  timeoutScale?: number;
  /**
   * A backend-specific check that nothing was left behind (no container, no pod), called after the cancel
   * and timeout tests with the run's handle. Throw to fail the test.
   */
  afterRun?: (handle: RunHandleV1, backend: BackendV1) => Promise<void>;
}

/**
 * Checks the options when the suite is registered, so a misspelt disabled test or a missing reason fails
 * the whole file at once instead of quietly running or skipping the wrong test.
 *
 * @throws Error describing the first problem found.
 */
export function validateBackendTestSuiteOptions(options: BackendTestSuiteOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new Error('backendTestSuite: options are required, at least { name }.');
  }
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new Error('backendTestSuite: options.name must be a non-empty string naming the backend.');
  }
  if (options.timeoutScale !== undefined) {
    if (
      typeof options.timeoutScale !== 'number' ||
      !Number.isFinite(options.timeoutScale) ||
      options.timeoutScale <= 0
    ) {
      throw new Error(
        `backendTestSuite: options.timeoutScale must be a positive number, got ${String(options.timeoutScale)}.`,
      );
    }
  }
  if (options.module !== undefined) {
    const { specifier, exportName } = options.module;
    if (
      typeof specifier !== 'string' ||
      specifier === '' ||
      typeof exportName !== 'string' ||
      exportName === ''
    ) {
      throw new Error('backendTestSuite: options.module needs a non-empty specifier and exportName.');
    }
  }
  for (const [name, reason] of Object.entries(options.disabledTests ?? {})) {
    if (!isBackendTestName(name)) {
      throw new Error(
        `backendTestSuite: disabledTests names an unknown test ${JSON.stringify(name)}. Known tests:\n` +
          backendTestNames.map((known) => `  - ${known}`).join('\n'),
      );
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(
        `backendTestSuite: disabledTests[${JSON.stringify(name)}] needs a written reason explaining why this backend cannot pass it.`,
      );
    }
  }
}
