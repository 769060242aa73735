import { describe, expect, test } from 'vitest';
import {
  BackendRegistry,
  type BackendV1,
  UnknownBackendError,
  UnsupportedSpecificationVersionError,
} from '../src/index';

const context = { stateDirectory: '/tmp/state', cacheDirectory: '/tmp/cache' };

describe('BackendRegistry', () => {
  test('creates a registered backend lazily, passing settings and context', async () => {
    let loads = 0;
    const registry = new BackendRegistry().register({
      name: 'demo',
      load: () => {
        loads += 1;
        return (settings, given) =>
          ({
            specificationVersion: 'v1',
            name: `demo:${settings.flavour}:${given.stateDirectory}`,
          }) as unknown as BackendV1;
      },
    });
    expect(loads).toBe(0);
    const backend = await registry.create('demo', { flavour: 'x' }, context);
    expect(backend.name).toBe('demo:x:/tmp/state');
    expect(loads).toBe(1);
  });

  test('an unknown name lists the installed backends', async () => {
    const registry = new BackendRegistry()
      .register({ name: 'local', load: () => () => ({}) as BackendV1 })
      .register({ name: 'docker', load: () => () => ({}) as BackendV1 });
    const error = await registry.create('kubernetes', {}, context).catch((caught: unknown) => caught);
    expect(UnknownBackendError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('Unknown backend "kubernetes". Installed backends: docker, local.');
  });

  test('an unknown specification version is rejected with a typed error', async () => {
    const registry = new BackendRegistry().register({
      name: 'future',
      load: () => () => ({ specificationVersion: 'v9', name: 'future' }) as unknown as BackendV1,
    });
    const error = await registry.create('future', {}, context).catch((caught: unknown) => caught);
    expect(UnsupportedSpecificationVersionError.isInstance(error)).toBe(true);
    expect((error as UnsupportedSpecificationVersionError).specificationVersion).toBe('v9');
    expect((error as Error).message).toContain('supports v1');
  });
});
