import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BackendContextV1 } from '@icl/core';

/**
 * Where ICL keeps its files on this machine. Follows the XDG base directory convention so the settings
 * file sits with other tools' configuration, run records survive reboots, and caches (built venvs,
 * images) can be deleted at any time. Every location can be moved by an environment variable, which is
 * how tests and CI isolate themselves.
 */
export interface IclDirectories {
  /** The settings file: `ICL_CONFIG`, else `$XDG_CONFIG_HOME/icl/config.yaml` (`~/.config/icl/config.yaml`). */
  configFile: string;
  /** Durable data (run records, backend state): `ICL_STATE_DIR`, else `$XDG_STATE_HOME/icl` (`~/.local/state/icl`). */
  stateDirectory: string;
  /** Disposable caches: `ICL_CACHE_DIR`, else `$XDG_CACHE_HOME/icl` (`~/.cache/icl`). */
  cacheDirectory: string;
}

/**
 * Works out ICL's directories from the environment. Nothing is created; callers create what they write.
 *
 * @param environment The variables to read, `process.env` by default (tests pass their own).
 */
export function resolveIclDirectories(environment: NodeJS.ProcessEnv = process.env): IclDirectories {
  const home = environment.HOME || homedir();
  const fromXdg = (variable: string, fallback: string[]) =>
    join(nonEmpty(environment[variable]) ?? join(home, ...fallback), 'icl');
  return {
    configFile: resolve(
      nonEmpty(environment.ICL_CONFIG) ??
        join(nonEmpty(environment.XDG_CONFIG_HOME) ?? join(home, '.config'), 'icl', 'config.yaml'),
    ),
    stateDirectory: resolve(
      nonEmpty(environment.ICL_STATE_DIR) ?? fromXdg('XDG_STATE_HOME', ['.local', 'state']),
    ),
    cacheDirectory: resolve(nonEmpty(environment.ICL_CACHE_DIR) ?? fromXdg('XDG_CACHE_HOME', ['.cache'])),
  };
}

/**
 * The directories of one backend (`<state>/backends/<name>`, `<cache>/backends/<name>`), for a backend a
 * program creates without a host to give it a context: the same places the SDK and the CLI would give
 * it, so `ICL_STATE_DIR` and `ICL_CACHE_DIR` move them too. Nothing is created.
 */
export function defaultBackendContext(
  backendName: string,
  environment: NodeJS.ProcessEnv = process.env,
): BackendContextV1 {
  const directories = resolveIclDirectories(environment);
  return {
    stateDirectory: join(directories.stateDirectory, 'backends', backendName),
    cacheDirectory: join(directories.cacheDirectory, 'backends', backendName),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
