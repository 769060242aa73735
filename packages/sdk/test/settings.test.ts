import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, UnknownInfrastructureError } from '@icl/core';
import { describe, expect, test } from 'vitest';
import { resolveIclDirectories } from '../src/icl-directories';
import { resolveInfrastructure } from '../src/resolve-infrastructure';
import { loadSettings } from '../src/settings';
import { temporaryDirectory } from './temporary-directory';

async function settingsFile(text: string): Promise<string> {
  const file = join(await temporaryDirectory(), 'config.yaml');
  await writeFile(file, text);
  return file;
}

async function loadError(text: string): Promise<InvalidArgumentError> {
  const configFile = await settingsFile(text);
  const error = await loadSettings({ configFile, environment: {} }).catch((caught: unknown) => caught);
  expect(InvalidArgumentError.isInstance(error)).toBe(true);
  return error as InvalidArgumentError;
}

describe('resolveIclDirectories', () => {
  test('follows ICL_* variables, then XDG, then the home directory', () => {
    expect(resolveIclDirectories({ HOME: '/home/ada' })).toEqual({
      configFile: '/home/ada/.config/icl/config.yaml',
      stateDirectory: '/home/ada/.local/state/icl',
      cacheDirectory: '/home/ada/.cache/icl',
    });
    expect(
      resolveIclDirectories({
        HOME: '/home/ada',
        XDG_CONFIG_HOME: '/x/config',
        XDG_STATE_HOME: '/x/state',
        XDG_CACHE_HOME: '/x/cache',
      }),
    ).toEqual({
      configFile: '/x/config/icl/config.yaml',
      stateDirectory: '/x/state/icl',
      cacheDirectory: '/x/cache/icl',
    });
    expect(
      resolveIclDirectories({
        HOME: '/home/ada',
        ICL_CONFIG: '/c.yaml',
        ICL_STATE_DIR: '/s',
        ICL_CACHE_DIR: '/k',
        XDG_STATE_HOME: '/x',
      }),
    ).toEqual({ configFile: '/c.yaml', stateDirectory: '/s', cacheDirectory: '/k' });
  });
});

describe('loadSettings', () => {
  test('without a file there is the built-in local infrastructure, and it is the default', async () => {
    const settings = await loadSettings({ configFile: '/nonexistent/config.yaml', environment: {} });
    expect(settings.fileExists).toBe(false);
    expect(settings.defaultInfrastructure).toBe('local');
    expect(settings.infrastructures).toEqual({ local: { backend: 'local', settings: {} } });
  });

  test('reads infrastructures and the default from the file', async () => {
    const configFile = await settingsFile(
      [
        'defaultInfrastructure: gpu-lab',
        'infrastructures:',
        '  gpu-lab:',
        '    backend: ssh',
        '    settings:',
        '      hosts: [gpu1, gpu2]',
        '      port: 22',
        '  docker:',
        '    backend: docker',
      ].join('\n'),
    );
    const settings = await loadSettings({ configFile, environment: {} });
    expect(settings.defaultInfrastructure).toBe('gpu-lab');
    expect(settings.infrastructures).toEqual({
      local: { backend: 'local', settings: {} },
      'gpu-lab': { backend: 'ssh', settings: { hosts: ['gpu1', 'gpu2'], port: 22 } },
      docker: { backend: 'docker', settings: {} },
    });
  });

  test('an empty file is fine', async () => {
    const settings = await loadSettings({
      configFile: await settingsFile('# nothing yet\n'),
      environment: {},
    });
    expect(settings.fileExists).toBe(true);
    expect(settings.defaultInfrastructure).toBe('local');
  });

  test('invalid YAML names file:line:column', async () => {
    const error = await loadError(
      'defaultInfrastructure: local\ninfrastructures:\n  lab:\n    backend: ssh: x\n',
    );
    expect(error.message).toMatch(
      /^Invalid settings file .*config\.yaml:4:14: the file is not valid YAML: Nested mappings are not allowed in compact mappings\.$/,
    );
    expect(error.location).toMatch(/config\.yaml:4:14$/);
    expect(error.hint).toContain('Fix the YAML syntax');
  });

  test('a field of the wrong type names file:line:column, the field and the fix', async () => {
    const error = await loadError('infrastructures:\n  lab:\n    backend: [ssh]\n');
    expect(error.message).toMatch(
      /config\.yaml:3:14: `infrastructures\.lab\.backend` must be the name of a backend\.$/,
    );
    expect(error.hint).toBe(
      'Write it as `backend: local` (see `icl plugins ls` for the installed backends).',
    );
    expect(error.argument).toBe('infrastructures.lab.backend');
  });

  test('unknown fields and missing backends are reported where they are', async () => {
    const unknown = await loadError('defaultInfrastructure: local\ninfrastructure:\n  lab: {}\n');
    expect(unknown.message).toMatch(/config\.yaml:2:1: `infrastructure` is not a known field\.$/);
    expect(unknown.hint).toContain('`infrastructures`');
    const missing = await loadError('infrastructures:\n  lab:\n    settings: { a: 1 }\n');
    expect(missing.message).toMatch(/config\.yaml:3:5: `infrastructures\.lab\.backend` is missing\.$/);
    const settings = await loadError('infrastructures:\n  lab:\n    backend: ssh\n    settings: 3\n');
    expect(settings.message).toMatch(/config\.yaml:4:15: `infrastructures\.lab\.settings` must be a mapping/);
  });

  test('ICL_INFRASTRUCTURE picks the default infrastructure', async () => {
    const settings = await loadSettings({
      configFile: '/nonexistent',
      environment: { ICL_INFRASTRUCTURE: 'docker' },
    });
    expect(settings.defaultInfrastructure).toBe('docker');
  });
});

describe('resolveInfrastructure', () => {
  test('a registered backend name works as an infrastructure with empty settings', async () => {
    const settings = await loadSettings({ configFile: '/nonexistent', environment: {} });
    expect(resolveInfrastructure(settings, 'docker', ['docker', 'local'])).toEqual({
      name: 'docker',
      backend: 'docker',
      settings: {},
    });
    expect(resolveInfrastructure(settings, undefined, ['local'])).toEqual({
      name: 'local',
      backend: 'local',
      settings: {},
    });
  });

  test('<backend or infrastructure>:<target> adds the target setting', async () => {
    const configFile = await settingsFile(
      'infrastructures:\n  prod:\n    backend: k8s\n    settings: { namespace: ml }\n',
    );
    const settings = await loadSettings({ configFile, environment: {} });
    expect(resolveInfrastructure(settings, 'kind:lab', ['kind', 'local'])).toEqual({
      name: 'kind:lab',
      backend: 'kind',
      settings: { target: 'lab' },
    });
    expect(resolveInfrastructure(settings, 'prod:admin@east', ['k8s'])).toEqual({
      name: 'prod:admin@east',
      backend: 'k8s',
      settings: { namespace: 'ml', target: 'admin@east' },
    });
    expect(() => resolveInfrastructure(settings, 'nowhere:lab', ['kind'])).toThrow(
      /Unknown infrastructure "nowhere:lab"/,
    );
  });

  test('ICL_INFRA_<NAME>_<SETTING> overrides one setting, parsing JSON values', async () => {
    const configFile = await settingsFile(
      'infrastructures:\n  gpu-lab:\n    backend: ssh\n    settings: { port: 22, user: ada }\n  gpu:\n    backend: ssh\n',
    );
    const settings = await loadSettings({
      configFile,
      environment: {
        ICL_INFRA_GPU_LAB_PORT: '2222',
        ICL_INFRA_GPU_LAB_HOSTS: '["a","b"]',
        ICL_INFRA_GPU_LAB_IDENTITY_FILE: '~/.ssh/lab',
        ICL_INFRA_GPU_USER: 'bob',
        ICL_INFRA_DOCKER_HOST: 'unix:///var/run/docker.sock',
      },
    });
    expect(resolveInfrastructure(settings, 'gpu-lab', [])).toEqual({
      name: 'gpu-lab',
      backend: 'ssh',
      settings: { port: 2222, user: 'ada', hosts: ['a', 'b'], identityFile: '~/.ssh/lab' },
    });
    expect(resolveInfrastructure(settings, 'gpu', []).settings).toEqual({ user: 'bob' });
    expect(resolveInfrastructure(settings, 'docker', ['docker']).settings).toEqual({
      host: 'unix:///var/run/docker.sock',
    });
  });

  test('an unknown name lists the defined infrastructures and where to define more', async () => {
    const configFile = await settingsFile('infrastructures:\n  lab:\n    backend: ssh\n');
    const settings = await loadSettings({ configFile, environment: {} });
    const error = (() => {
      try {
        return resolveInfrastructure(settings, 'nowhere', ['local']);
      } catch (caught) {
        return caught;
      }
    })();
    expect(UnknownInfrastructureError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Unknown infrastructure "nowhere". Defined infrastructures: lab, local.',
    );
    expect((error as UnknownInfrastructureError).hint).toContain(configFile);
  });
});

describe('settings.schema.json', () => {
  test('describes exactly the fields the parser accepts', async () => {
    const schema = JSON.parse(await readFile(new URL('../settings.schema.json', import.meta.url), 'utf8'));
    expect(Object.keys(schema.properties).sort()).toEqual(['defaultInfrastructure', 'infrastructures']);
    const infrastructureSchema = schema.properties.infrastructures.additionalProperties;
    expect(Object.keys(infrastructureSchema.properties).sort()).toEqual(['backend', 'settings']);
    expect(infrastructureSchema.required).toEqual(['backend']);
    expect(schema.additionalProperties).toBe(false);
    expect(infrastructureSchema.additionalProperties).toBe(false);
  });
});
