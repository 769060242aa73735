import { execFile } from 'node:child_process';
import { accessSync, closeSync, constants, promises as fs, openSync, readSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomically } from '@icl/backend-kit/files';
import { BackendUnavailableError } from '@icl/core';

/**
 * The real Python executable that a command such as `python3` means in the caller's directory.
 *
 * Version managers (pyenv, asdf, mise) put shell-script shims on the PATH that pick an interpreter from
 * version files in the current directory and its parents; a run's isolated working directory would
 * make them pick the wrong one, and each shim start costs tens of milliseconds. So a shim is asked once,
 * in the caller's directory, which interpreter it means, and the answer is cached until one of the
 * version files it reads changes. A command that is not a script is used as found.
 *
 * @throws BackendUnavailableError when the command is not on the PATH.
 */
export async function resolvePythonInterpreter(command: string, cacheDirectory: string): Promise<string> {
  const found = findOnPath(command);
  if (!found) {
    throw new BackendUnavailableError({
      backendName: 'local',
      message: `${command} was not found on the PATH, so the local backend cannot run Python programs.`,
      hint: 'Install Python 3 (for example `sudo apt-get install python3 python3-venv`), or set the infrastructure setting `python` to an interpreter.',
    });
  }
  if (!isScript(found)) return found;

  const directory = process.cwd();
  const key = JSON.stringify([
    found,
    directory,
    process.env.PYENV_VERSION ?? '',
    process.env.ASDF_PYTHON_VERSION ?? '',
    versionFileStamps(directory),
  ]);
  const cacheFile = path.join(cacheDirectory, 'python-interpreters.json');
  const cache = await readCache(cacheFile);
  const cached = cache[key];
  if (cached && isExecutable(cached)) return cached;

  const executable = await new Promise<string>((resolve, reject) => {
    execFile(
      found,
      ['-c', 'import sys; print(sys.executable)'],
      { cwd: directory, timeout: 30_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    );
  }).catch(() => '');
  if (!executable || !isExecutable(executable)) return found;
  cache[key] = executable;
  await fs.mkdir(cacheDirectory, { recursive: true });
  await writeFileAtomically(cacheFile, `${JSON.stringify(cache, null, 2)}\n`);
  return executable;
}

/** Modification times of the files version managers read, from the directory up and in their homes. */
function versionFileStamps(directory: string): Array<[string, number]> {
  const candidates: string[] = [];
  for (let current = directory; ; current = path.dirname(current)) {
    candidates.push(
      path.join(current, '.python-version'),
      path.join(current, '.tool-versions'),
      path.join(current, '.mise.toml'),
    );
    if (path.dirname(current) === current) break;
  }
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  candidates.push(path.join(pyenvRoot, 'version'), path.join(os.homedir(), '.tool-versions'));
  const stamps: Array<[string, number]> = [];
  for (const candidate of candidates) {
    try {
      stamps.push([candidate, statSync(candidate).mtimeMs]);
    } catch {
      // Absent files are part of the key by their absence.
    }
  }
  return stamps;
}

function findOnPath(command: string): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? path.resolve(command) : undefined;
  for (const entry of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!entry) continue;
    const candidate = path.join(entry, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isScript(file: string): boolean {
  const descriptor = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    readSync(descriptor, head, 0, 2, 0);
    return head.toString('latin1') === '#!';
  } finally {
    closeSync(descriptor);
  }
}

async function readCache(file: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
