// A minimal third-party backend, and the testkit's own reference: each run is a process group started by
// a small supervisor (process-supervisor.js) that outlives the caller, with its files in a run directory.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { UnsupportedCapabilityError } from '@icl/core';

const supervisor = fileURLToPath(new URL('./process-supervisor.js', import.meta.url));
const bootstrap = `import importlib.util, json, sys
path, name, parameters, result = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("icl_function", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
with open(parameters, encoding="utf-8") as file:
    value = getattr(module, name)(**json.load(file))
with open(result, "w", encoding="utf-8") as file:
    json.dump(value, file)
`;

/** @param {string} file */
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

/**
 * Publishes a run's final state once: whoever ends the run first (exit, timeout, cancel) wins.
 * @param {string} directory @param {import('@icl/core').RunState} state
 * @returns {boolean} whether this call published it
 */
export function writeFinalState(directory, state) {
  const temporary = path.join(directory, `final.${process.pid}.${Math.random()}.json`);
  writeFileSync(temporary, JSON.stringify({ ...state, endedAt: new Date().toISOString() }));
  try {
    linkSync(temporary, path.join(directory, 'final.json'));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(temporary);
  }
}

/** @param {string} directory @returns {import('@icl/core').RunState} */
function stateOf(directory) {
  const started = readJson(path.join(directory, 'started.json'));
  return (
    readJson(path.join(directory, 'final.json')) ??
    (started ? { status: 'running', startedAt: started.startedAt } : { status: 'pending' })
  );
}

/** @param {string} file @param {number} offset */
async function readFrom(file, offset) {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return Buffer.alloc(0);
  try {
    const buffer = Buffer.alloc(Math.max(0, (await handle.stat()).size - offset));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** @param {import('@icl/core').Program} program @param {string} directory @returns {string[]} */
function commandOf(program, directory) {
  if (program.kind === 'command') return program.command;
  if (program.kind === 'script') return ['python3', program.path, ...(program.arguments ?? [])]; // .py only
  const [parameters, result] = [path.join(directory, 'parameters.json'), path.join(directory, 'result.json')];
  writeFileSync(parameters, JSON.stringify(program.parameters ?? {}));
  return ['python3', '-c', bootstrap, program.path, program.function, parameters, result];
}

/** @type {import('@icl/core').BackendFactoryV1} */
export function createProcessBackend(_settings, context) {
  /** @param {import('@icl/core').RunHandleV1} handle */
  const directoryOf = (handle) => String(handle.data.directory);
  return {
    specificationVersion: 'v1',
    name: 'process',
    capabilities: {
      jobs: true,
      services: false,
      gpus: false,
      provisioning: false,
      logFollow: true,
      cancel: true,
      files: true,
      schedules: false,
      pythonFunctions: true,
      timeout: true,
      detach: true,
    },
    async inventory() {
      return {
        nodes: [{ name: os.hostname(), cpus: os.cpus().length, memoryBytes: os.totalmem(), gpus: [] }],
      };
    },
    async startRun(request) {
      if (request.program.service) {
        throw new UnsupportedCapabilityError({
          backendName: 'process',
          capability: 'services',
          message: 'The process backend does not run services.',
          hint: 'Run the service on a backend that declares services.',
        });
      }
      const directory = path.join(context.stateDirectory, 'runs', request.runId);
      const cwd = path.join(directory, 'work');
      mkdirSync(cwd, { recursive: true });
      for (const file of request.runtime.files ?? [])
        cpSync(file.src, path.join(cwd, file.dst ?? path.basename(file.src)), { recursive: true });
      const command = commandOf(request.program, directory);
      const { environment, timeoutMilliseconds } = request;
      // The environment may hold secrets: it reaches the supervisor (and the program) through the
      // supervisor's own environment, never through a file.
      writeFileSync(
        path.join(directory, 'request.json'),
        JSON.stringify({ command, cwd, timeoutMilliseconds }),
      );
      spawn(process.execPath, [supervisor, directory], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, ...environment },
      }).unref();
      while (stateOf(directory).status === 'pending') await delay(10);
      return { runId: request.runId, data: { directory } };
    },
    async getRunState(handle) {
      return stateOf(directoryOf(handle));
    },
    async *readLogs(handle, options = {}) {
      const directory = directoryOf(handle);
      const streams = /** @type {const} */ (['stdout', 'stderr']).map((stream) => ({
        stream,
        offset: 0,
        decoder: new TextDecoder(),
      }));
      for (;;) {
        const ended = existsSync(path.join(directory, 'final.json')); // checked before reading, so nothing is missed
        for (const entry of streams) {
          const bytes = await readFrom(path.join(directory, `${entry.stream}.log`), entry.offset);
          entry.offset += bytes.length;
          const text = entry.decoder.decode(bytes, { stream: !ended });
          if (text) yield { stream: entry.stream, text };
        }
        if (ended || !options.follow || options.signal?.aborted) return;
        await delay(50);
      }
    },
    async waitForRun(handle, options = {}) {
      while (!existsSync(path.join(directoryOf(handle), 'final.json'))) {
        options.signal?.throwIfAborted();
        await delay(50);
      }
      return stateOf(directoryOf(handle));
    },
    async cancelRun(handle) {
      const directory = directoryOf(handle);
      const started = readJson(path.join(directory, 'started.json'));
      // Only the call that ends the run kills it; an ended run keeps its state and its pid may be reused.
      const ended = writeFinalState(directory, { status: 'cancelled', startedAt: started?.startedAt });
      if (ended && started) {
        try {
          process.kill(-started.pid, 'SIGKILL'); // the whole process group
        } catch {} // it ended by itself meanwhile
      }
      return stateOf(directory);
    },
  };
}
