import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  normalizeResourceRequest,
  type Program,
  type RunRequestV1,
  type Runtime,
  runtimeHash,
} from '@icl/core';

/** A temporary folder with state, cache and program files for one test file. */
export async function createTemporaryRoot(): Promise<{
  root: string;
  state: string;
  cache: string;
  remove: () => Promise<void>;
}> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'icl-local-test-'));
  return {
    root,
    state: path.join(root, 'state'),
    cache: path.join(root, 'cache'),
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}

let counter = 0;

/** A run request as the SDK would build it. */
export function runRequest(
  program: Program,
  options: Partial<RunRequestV1> & { runtime?: Runtime; gpu?: string } = {},
): RunRequestV1 {
  const runtime = options.runtime ?? {};
  counter += 1;
  return {
    runId: `test-${process.pid}-${Date.now().toString(36)}-${counter}`,
    program,
    runtime,
    runtimeHash: runtimeHash(runtime),
    environment: { ...runtime.environment, ...options.environment },
    resources: normalizeResourceRequest(options.gpu ? { gpu: options.gpu } : {}),
    detach: options.detach ?? false,
    labels: {},
    ...(options.timeoutMilliseconds === undefined
      ? {}
      : { timeoutMilliseconds: options.timeoutMilliseconds }),
  };
}

/** Writes a program file and returns its path. */
export async function writeProgram(root: string, name: string, source: string): Promise<string> {
  const file = path.join(root, name);
  await fs.writeFile(file, source);
  return file;
}
