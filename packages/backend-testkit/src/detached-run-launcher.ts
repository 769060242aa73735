import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendContextV1, JsonObject, RunHandleV1, RunRequestV1 } from '@icl/core';

/**
 * What the detach test hands the separate process: how to create the backend, the same directories as
 * the suite's backend, and the request to start. Passed as one JSON argument.
 */
export interface DetachedRunInput {
  /** The module exporting the backend factory; resolved from `cwd`. */
  specifier: string;
  /** The factory's export name. */
  exportName: string;
  /** The factory's settings. */
  settings: JsonObject;
  /** The suite backend's directories, so both backends share run records. */
  context: BackendContextV1;
  /** The run to start (with `detach: true`). */
  request: RunRequestV1;
  /** The directory the specifier is resolved from: the caller's project. */
  cwd: string;
}

/** What the separate process did. */
export interface DetachedRunLaunch {
  /** Its exit code (null when killed by a signal). */
  exitCode: number | null;
  /** The handle it printed, when it printed one. */
  handle: RunHandleV1 | undefined;
  /** Its standard output. */
  stdout: string;
  /** Its standard error, for the failure message. */
  stderr: string;
}

/** The prefix of the line with which the separate process reports the handle, apart from any other output. */
export const detachedHandleMarker = 'ICL_TESTKIT_HANDLE ';

const importMetaResolveFlag = '--experimental-import-meta-resolve';

/**
 * The program the detach test runs, shipped next to the suite in `dist`. When the suite itself runs from
 * `src` (the testkit's own tests), the built copy in `../dist` is used.
 *
 * @throws Error when the file cannot be found (the testkit was not built).
 */
export function locateStartDetachedRunScript(): string {
  const candidates = [
    new URL('./start-detached-run.js', import.meta.url),
    new URL('../dist/start-detached-run.js', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(
      `Cannot find start-detached-run.js (looked at ${candidates.join(', ')}); build @icl/backend-testkit first.`,
    );
  }
  return found;
}

/**
 * Runs `start-detached-run.js` in a new Node.js process that creates the backend, starts the run and exits
 * without waiting for it, and reports what it printed. This is what `icl run --detach` does, and the only
 * way to show a run does not depend on the process that started it.
 */
export function launchDetachedRun(input: DetachedRunInput, signal?: AbortSignal): Promise<DetachedRunLaunch> {
  const script = locateStartDetachedRunScript();
  // ESM resolution from another directory needs import.meta.resolve's second argument, which Node.js
  // keeps behind a flag; without it the child falls back to CommonJS resolution.
  const flags = process.allowedNodeEnvironmentFlags.has(importMetaResolveFlag) ? [importMetaResolveFlag] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, script, JSON.stringify(input)], {
      cwd: input.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal === undefined ? {} : { signal }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      // The streams normally end right after exit; a run that inherited them would hold them open, so
      // do not wait for it.
      const finish = () => {
        clearTimeout(timer);
        const line = stdout.split('\n').find((candidate) => candidate.startsWith(detachedHandleMarker));
        const handle =
          line === undefined
            ? undefined
            : (JSON.parse(line.slice(detachedHandleMarker.length)) as RunHandleV1);
        resolve({ exitCode, handle, stdout, stderr });
      };
      const timer = setTimeout(finish, 2000);
      child.on('close', finish);
    });
  });
}
