import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { discoverPlugins, loadPluginResourceProviders } from '../src/index';
import { temporaryDirectory } from './temporary-directory';

async function installPackage(project: string, name: string, manifest: object, source: string) {
  const directory = join(project, 'node_modules', ...name.split('/'));
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, 'package.json'),
    JSON.stringify({ name, version: '1.2.3', type: 'module', main: 'index.js', ...manifest }),
  );
  await writeFile(join(directory, 'index.js'), source);
}

describe('plugin discovery', () => {
  test('finds a package of resource types only (no backend) and loads its providers, but registers no backend', async () => {
    const project = await temporaryDirectory();
    await installPackage(
      project,
      'icl-plugin-racks',
      { icl: { resourceProviders: { 'racks:Rack': 'rackProvider' } } },
      "export const rackProvider = () => ({ specificationVersion: 'v1', type: 'racks:Rack', create: async () => ({ id: 'r', outputs: {} }), delete: async () => undefined });\n",
    );
    await installPackage(project, 'icl-plugin-nothing', {}, 'export {};\n');
    const plugins = await discoverPlugins([project]);
    const racks = plugins.find((plugin) => plugin.packageName === 'icl-plugin-racks');
    expect(racks).toMatchObject({
      providesBackend: false,
      resourceProviders: { 'racks:Rack': 'rackProvider' },
    });
    expect(plugins.some((plugin) => plugin.packageName === 'icl-plugin-nothing')).toBe(false);
    const providers = await loadPluginResourceProviders(plugins, new Set(['racks:Rack']));
    expect(providers.map((provider) => provider.type)).toEqual(['racks:Rack']);
  });
});
