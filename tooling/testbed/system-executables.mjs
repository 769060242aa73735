// Finding the testbeds' peers on this machine, and installing them with apt-get when missing.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './run-command.mjs';
import { TestbedPeerError } from './testbed-peer-error.mjs';

/** Where system executables live, searched after PATH (a test's PATH may omit the sbin folders). */
export const systemExecutableDirectories = [
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
];

let aptIndexUpdated = false;

/** Finds an executable on PATH or in the system directories, installing `packages` with apt if missing. */
export async function ensureExecutable(name, packages, log) {
  const found = await findExecutable(name);
  if (found) return found;
  await installWithApt(name, packages, log);
  const installed = await findExecutable(name);
  if (!installed) {
    throw new TestbedPeerError(
      name,
      `apt-get installed ${packages.join(' ')} but there is still no ${name} executable`,
    );
  }
  return installed;
}

export async function findExecutable(name) {
  const searchPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const directory of [...searchPath, ...systemExecutableDirectories]) {
    const candidate = path.join(directory, name);
    try {
      await fs.access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function installWithApt(executable, packages, log) {
  if (process.getuid?.() !== 0) {
    throw new TestbedPeerError(
      executable,
      `it is not installed and the testbed is not running as root, so it cannot run apt-get; ` +
        `install it with: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  const aptGet = await findExecutable('apt-get');
  if (!aptGet) {
    throw new TestbedPeerError(
      executable,
      `it is not installed and apt-get is missing; install ${packages.join(' ')}`,
    );
  }
  const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const started = Date.now();
  log(`${executable} is missing: installing ${packages.join(' ')} with apt-get`);
  try {
    if (!aptIndexUpdated) {
      await runCommand(aptGet, ['update', '-qq'], { peer: 'apt', environment });
      aptIndexUpdated = true;
    }
    await runCommand(aptGet, ['install', '-y', '-qq', ...packages], { peer: 'apt', environment });
  } catch (error) {
    throw new TestbedPeerError(
      executable,
      `installing ${packages.join(' ')} with apt-get failed: ${error.message}`,
    );
  }
  log(`installed ${packages.join(' ')} in ${secondsSince(started)} s`);
}

function secondsSince(started) {
  return ((Date.now() - started) / 1000).toFixed(1);
}
