import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type BackendV1,
  type FileMapping,
  type Infrastructure,
  InvalidArgumentError,
  type JsonObject,
  type JsonValue,
  normalizeResourceRequest,
  type Program,
  parseDuration,
  parseGpuRequest,
  type RunRequestV1,
  type Runtime,
  runtimeHash,
  UnsupportedCapabilityError,
} from '@icl/core';
import { readInlineScriptMetadata } from './inline-script-metadata';
import type { RunOptions } from './run-options';
import { checkedEnvironment } from './runtime';

/** A run that passed every check and is ready to be recorded and submitted. */
export interface PreparedRun {
  /** The infrastructure it will run on. */
  infrastructure: Infrastructure;
  /** The backend serving that infrastructure. */
  backend: BackendV1;
  /** The request for the backend, without its run id (given once the record is created). */
  request: Omit<RunRequestV1, 'runId' | 'labels'>;
}

/** How {@link prepareRun} gets hold of the backend, so it can be tested and cached by the client. */
export type BackendResolver = (
  selector: RunOptions['infrastructure'],
) => Promise<{ infrastructure: Infrastructure; backend: BackendV1 }>;

/**
 * Checks everything about a run before anything is recorded or started, so a mistake (a missing file,
 * a malformed `--gpus`, an unknown infrastructure, a capability the backend lacks) fails at once and
 * leaves no half-made run behind. Resolves paths against the working directory and builds the
 * backend's request.
 *
 * @throws InvalidArgumentError for malformed input or missing files.
 * @throws UnknownInfrastructureError, UnknownBackendError when the target cannot be resolved.
 * @throws UnsupportedCapabilityError when the backend cannot honour part of the request.
 */
export async function prepareRun(
  program: Program,
  options: RunOptions,
  resolveBackend: BackendResolver,
  workingDirectory: string = process.cwd(),
): Promise<PreparedRun> {
  // The backend loads (a plugin import) while the program's files are read; its errors come second.
  const backendResolution = resolveBackend(options.infrastructure);
  backendResolution.catch(() => undefined);
  const resolvedProgram = await resolveProgram(program, options, workingDirectory);
  const runtime = await resolveRuntime(options.runtime ?? {}, workingDirectory);
  await addInlineDependencies(resolvedProgram, runtime);
  const environment = {
    ...(runtime.environment ?? {}),
    ...checkedEnvironment(options.environment ?? {}, 'environment'),
  };
  const timeoutMilliseconds =
    options.timeout === undefined ? undefined : parseDuration(options.timeout, 'timeout');
  // `0` (or an empty string) asks for no GPUs, as `--gpus 0` does in other tools.
  if (
    options.gpus !== undefined &&
    String(options.gpus).trim() !== '' &&
    String(options.gpus).trim() !== '0'
  ) {
    resolvedProgram.resources = {
      ...(resolvedProgram.resources ?? {}),
      gpu: parseGpuRequest(String(options.gpus), 'gpus'),
    };
  }
  const resources = normalizeResourceRequest(resolvedProgram.resources);

  const { infrastructure, backend } = await backendResolution;
  // A service outlives the call that starts it, so it always runs detached.
  const detach = (options.detach ?? false) || resolvedProgram.service !== undefined;
  const missing = (capability: string, message: string, hint: string) =>
    new UnsupportedCapabilityError({ backendName: backend.name, capability, message, hint });
  const capabilities = backend.capabilities;
  const where = `infrastructure "${infrastructure.name}" (backend ${backend.name})`;
  if (!capabilities.jobs) {
    throw missing(
      'jobs',
      `The ${where} does not run jobs.`,
      'Pick an infrastructure whose backend runs jobs, such as local.',
    );
  }
  if (resources.gpu && !capabilities.gpus) {
    throw missing(
      'gpus',
      `The ${where} cannot assign GPUs.`,
      'Drop the GPU request or pick an infrastructure with GPUs (`icl infra ls`).',
    );
  }
  if (resolvedProgram.service && !capabilities.services) {
    throw missing(
      'services',
      `The ${where} cannot run services.`,
      'Run the service on an infrastructure whose backend runs services, such as docker (--on docker).',
    );
  }
  if (resolvedProgram.kind === 'function' && !capabilities.pythonFunctions) {
    throw missing(
      'pythonFunctions',
      `The ${where} cannot call Python functions.`,
      'Run the file as a script, or pick another infrastructure.',
    );
  }
  if ((runtime.files?.length ?? 0) > 0 && !capabilities.files) {
    throw missing(
      'files',
      `The ${where} cannot ship files.`,
      'Bake the files into the image, or pick another infrastructure.',
    );
  }
  if (detach && !capabilities.detach) {
    throw missing(
      'detach',
      `The ${where} cannot keep a run going after this process exits.`,
      'Run it attached (without detach).',
    );
  }
  if (detach && timeoutMilliseconds !== undefined && !capabilities.timeout) {
    throw missing(
      'timeout',
      `The ${where} cannot enforce a timeout after this process exits.`,
      'Run it attached, so ICL enforces the timeout, or drop the timeout.',
    );
  }

  const request: PreparedRun['request'] = {
    program: resolvedProgram,
    runtime,
    runtimeHash: runtimeHash(runtime),
    environment,
    resources,
    detach,
  };
  if (timeoutMilliseconds !== undefined) request.timeoutMilliseconds = timeoutMilliseconds;
  return { infrastructure, backend, request };
}

async function resolveProgram(
  program: Program,
  options: RunOptions,
  workingDirectory: string,
): Promise<Program> {
  const resolved = structuredClone(program);
  if (resolved.kind !== 'command') {
    resolved.path = await existingPath(resolved.path, 'program', workingDirectory, 'file');
  }
  const parameters = options.parameters;
  if (Array.isArray(parameters)) {
    if (parameters.some((parameter) => typeof parameter !== 'string')) {
      throw new InvalidArgumentError({
        argument: 'parameters',
        message: 'A parameter list must hold strings: it becomes the command-line arguments.',
        hint: "Write numbers as text, for example ['--epochs', '3'].",
      });
    }
    if (resolved.kind === 'function') {
      if (parameters.length > 0) {
        throw new InvalidArgumentError({
          argument: 'parameters',
          message: `Function ${resolved.function} takes keyword parameters (an object), not a list.`,
          hint: 'Pass parameters as an object, for example { parameters: { epochs: 3 } }.',
        });
      }
    } else if (resolved.kind === 'script') {
      resolved.arguments = [...(resolved.arguments ?? []), ...parameters];
    } else {
      resolved.command = [...resolved.command, ...parameters];
    }
  } else if (parameters !== undefined && parameters !== null) {
    if (resolved.kind !== 'function') {
      throw new InvalidArgumentError({
        argument: 'parameters',
        message: 'Keyword parameters (an object) can only be passed to a function program.',
        hint: "Name the function to call: program('train.py', { function: 'train' }), or pass a list of arguments.",
      });
    }
    assertJson(parameters, 'parameters');
    resolved.parameters = { ...(resolved.parameters ?? {}), ...parameters };
  }
  return resolved;
}

/** Adds the pip dependencies a Python script declares inline (PEP 723) to the runtime's own. */
async function addInlineDependencies(program: Program, runtime: Runtime): Promise<void> {
  if (program.kind === 'command' || !program.path.endsWith('.py')) return;
  const metadata = await readInlineScriptMetadata(program.path);
  if (!metadata || metadata.dependencies.length === 0) return;
  const pip = runtime.dependencies?.pip ?? [];
  runtime.dependencies = {
    ...runtime.dependencies,
    pip: [...pip, ...metadata.dependencies.filter((dependency) => !pip.includes(dependency))],
  };
}

async function resolveRuntime(runtime: Runtime, workingDirectory: string): Promise<Runtime> {
  const resolved = structuredClone(runtime);
  if (resolved.environment)
    resolved.environment = checkedEnvironment(resolved.environment, 'runtime.environment');
  if (resolved.files) {
    resolved.files = await Promise.all(
      resolved.files.map(async (file: FileMapping, index: number) => ({
        ...file,
        src: await existingPath(file.src, `runtime.files[${index}].src`, workingDirectory, 'any'),
      })),
    );
  }
  return resolved;
}

async function existingPath(
  path: string,
  argument: string,
  workingDirectory: string,
  kind: 'file' | 'any',
): Promise<string> {
  const absolute = resolve(workingDirectory, path);
  const found = await stat(absolute).catch(() => undefined);
  if (!found) {
    throw new InvalidArgumentError({
      argument,
      message: `File not found: ${path}.`,
      hint:
        absolute === path
          ? 'Check the path.'
          : `Check the path; relative paths are resolved against the current directory (${workingDirectory}).`,
    });
  }
  if (kind === 'file' && !found.isFile()) {
    throw new InvalidArgumentError({
      argument,
      message: `Not a file: ${path}.`,
      hint: "Point the program at a script file; ship folders with the runtime's files.",
    });
  }
  return absolute;
}

function assertJson(value: JsonObject, argument: string): void {
  const visit = (item: unknown, path: string): void => {
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return;
    if (typeof item === 'number' && Number.isFinite(item)) return;
    if (Array.isArray(item)) {
      item.forEach((entry, index) => {
        visit(entry, `${path}[${index}]`);
      });
      return;
    }
    if (typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      for (const [key, entry] of Object.entries(item)) visit(entry, `${path}.${key}`);
      return;
    }
    throw new InvalidArgumentError({
      argument: path,
      message: `${path} is not a JSON value (${typeof item}); parameters travel to the program as JSON.`,
      hint: 'Pass strings, numbers, booleans, null, lists or plain objects.',
    });
  };
  visit(value as JsonValue, argument);
}
