import {
  normalizeResourceRequest,
  type Program,
  type RunRequestV1,
  type Runtime,
  runtimeHash,
} from '@icl/core';

let counter = 0;

/** A run request as the SDK would build it. */
export function runRequest(
  program: Program,
  options: { runtime?: Runtime; gpu?: string; detach?: boolean; timeoutMilliseconds?: number } = {},
): RunRequestV1 {
  const runtime = options.runtime ?? {};
  counter += 1;
  return {
    runId: `ssh-${process.pid}-${Date.now().toString(36)}-${counter}`,
    program,
    runtime,
    runtimeHash: runtimeHash(runtime),
    environment: { ...runtime.environment },
    resources: normalizeResourceRequest(options.gpu ? { gpu: options.gpu } : {}),
    detach: options.detach ?? false,
    labels: {},
    ...(options.timeoutMilliseconds === undefined
      ? {}
      : { timeoutMilliseconds: options.timeoutMilliseconds }),
  };
}
