// The environment the benches run the CLI in: every file it keeps under one directory, no colour.
import path from 'node:path';

/**
 * The current environment with ICL's state, cache and settings under `directory`, so runs of a bench
 * never see each other's state or the user's.
 * @param {string} directory
 * @returns {NodeJS.ProcessEnv}
 */
export function iclEnvironment(directory) {
  return {
    ...process.env,
    ICL_STATE_DIR: path.join(directory, 'state'),
    ICL_CACHE_DIR: path.join(directory, 'cache'),
    ICL_CONFIG: path.join(directory, 'config.yaml'),
    NO_COLOR: '1',
  };
}
