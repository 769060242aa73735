import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  normalizeResourceRequest,
  type Program,
  type RunRequestV1,
  type Runtime,
  type RuntimeDependencies,
  runtimeHash,
} from '@icl/core';

/** What a test says about the run it wants; {@link RunRequestBuilder} fills in the rest. */
export interface RunRequestParts {
  /** What to run; relative paths are made absolute. */
  program: Program;
  /** The test's runtime, merged over the suite's base runtime. */
  runtime?: Runtime;
  /** The run's own environment variables, set on top of the runtime's. */
  environment?: Record<string, string>;
  /** Stop the run after this many milliseconds. */
  timeoutMilliseconds?: number;
  /** Whether the run must outlive the calling process (only the detach test needs it). */
  detach?: boolean;
}

/** The label every run of the suite carries, so leftovers of a conformance run can be recognised. */
export const testSuiteLabels: Readonly<Record<string, string>> = { 'icl.dev/test-suite': 'conformance' };

/**
 * Builds complete {@link RunRequestV1} values the way the core would (absolute paths, merged runtime and
 * environment, runtime hash, normalised resources, labels), so backends are tested with exactly the
 * requests they receive in production and tests only state what differs.
 */
export class RunRequestBuilder {
  /** @param baseRuntime The suite's `runtime` option, merged into every request (an image, a Python version). */
  constructor(private readonly baseRuntime: Runtime = {}) {}

  /** A request for `parts`, with a fresh run id. */
  build(parts: RunRequestParts): RunRequestV1 {
    const runtime = mergeRuntimes(this.baseRuntime, parts.runtime ?? {});
    const request: RunRequestV1 = {
      runId: createTestRunId(),
      program: absoluteProgram(parts.program),
      runtime,
      runtimeHash: runtimeHash(runtime),
      environment: { ...(runtime.environment ?? {}), ...(parts.environment ?? {}) },
      resources: normalizeResourceRequest(parts.program.resources),
      detach: parts.detach ?? false,
      labels: { ...testSuiteLabels },
    };
    if (parts.timeoutMilliseconds !== undefined) request.timeoutMilliseconds = parts.timeoutMilliseconds;
    return request;
  }
}

/**
 * A run id unique across concurrent suites and machines (`testkit-<12 hex digits>`), short and lowercase
 * so it is valid in container and Kubernetes names.
 */
export function createTestRunId(): string {
  return `testkit-${randomBytes(6).toString('hex')}`;
}

/**
 * `overlay` on top of `base`: scalar fields replaced, environment merged by key, dependencies and files
 * concatenated. Lets a container backend give an image once while each test adds its own files and
 * environment.
 */
export function mergeRuntimes(base: Runtime, overlay: Runtime): Runtime {
  const merged: Runtime = { ...base, ...overlay };
  if (base.environment !== undefined || overlay.environment !== undefined) {
    merged.environment = { ...(base.environment ?? {}), ...(overlay.environment ?? {}) };
  }
  if (base.dependencies !== undefined || overlay.dependencies !== undefined) {
    const dependencies: RuntimeDependencies = {};
    for (const manager of ['pip', 'npm', 'apt'] as const) {
      const entries = [...(base.dependencies?.[manager] ?? []), ...(overlay.dependencies?.[manager] ?? [])];
      if (entries.length > 0) dependencies[manager] = entries;
    }
    merged.dependencies = dependencies;
  }
  if (base.files !== undefined || overlay.files !== undefined) {
    merged.files = [...(base.files ?? []), ...(overlay.files ?? [])].map((mapping) => ({
      ...mapping,
      src: path.resolve(mapping.src),
    }));
  }
  return merged;
}

function absoluteProgram(program: Program): Program {
  if (program.kind === 'command') return { ...program, command: [...program.command] };
  return { ...program, path: path.resolve(program.path) };
}
