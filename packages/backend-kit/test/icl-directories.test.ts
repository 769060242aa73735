import { describe, expect, test } from 'vitest';
import { defaultBackendContext, resolveIclDirectories } from '../src/index';

describe('where ICL keeps its files', () => {
  test('a backend created without a host goes where the CLI would put it, ICL_STATE_DIR and ICL_CACHE_DIR first', () => {
    expect(
      defaultBackendContext('docker', { ICL_STATE_DIR: '/srv/icl/state', ICL_CACHE_DIR: '/srv/icl/cache' }),
    ).toEqual({
      stateDirectory: '/srv/icl/state/backends/docker',
      cacheDirectory: '/srv/icl/cache/backends/docker',
    });
    expect(defaultBackendContext('local', { HOME: '/home/ada', XDG_STATE_HOME: '/xdg/state' })).toEqual({
      stateDirectory: '/xdg/state/icl/backends/local',
      cacheDirectory: '/home/ada/.cache/icl/backends/local',
    });
  });

  test('empty variables count as unset', () => {
    expect(resolveIclDirectories({ HOME: '/home/ada', ICL_STATE_DIR: '', XDG_CONFIG_HOME: '' })).toEqual({
      configFile: '/home/ada/.config/icl/config.yaml',
      stateDirectory: '/home/ada/.local/state/icl',
      cacheDirectory: '/home/ada/.cache/icl',
    });
  });
});
