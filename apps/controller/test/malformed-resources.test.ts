import { beforeAll, describe, expect, test } from 'vitest';
import { controllerSamples, optimizerSolution, sampleData } from './inferno-fixtures';
import {
  api,
  conditionOf,
  createNamespace,
  createResource,
  eventually,
  installCrds,
  kubectl,
  readResource,
  requestOptimization,
  startTestController,
} from './testbed-cluster';

beforeAll(async () => {
  await installCrds();
});

/** A Model whose alpha is negative: the CRD's schema accepts it, Inferno's model does not. */
const malformedModel = {
  name: 'llama-broken',
  data: [{ acc: 'A100', accCount: 1, alpha: -3.5, beta: 0.41, maxBatchSize: 32, atTokens: 512 }],
};

describe('malformed resources', () => {
  test('a Model with a negative alpha is reported in its status and as an Event, and the other servers are still served', async () => {
    const namespace = await createNamespace('icl-controller-malformed');
    await kubectl('apply', '-n', namespace, '-k', controllerSamples);
    await createResource('Model', namespace, 'model-broken', malformedModel);
    await createResource('Server', namespace, 'server-broken', {
      name: 'Premium-llama-broken',
      class: 'Premium',
      model: 'llama-broken',
      currentAlloc: { accelerator: 'A100', numReplicas: 1, load: { arrivalRate: 20, avgLength: 512 } },
    });
    const { controller, logs } = await startTestController(namespace);
    await requestOptimization(namespace, 'optimizer-sample');

    const model = await eventually(async () => {
      const found = await readResource('Model', namespace, 'model-broken');
      return found.status ? found : undefined;
    });
    expect(model.status?.active).toBe(false);
    expect(conditionOf(model, 'Valid')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message:
        'spec.data[0].alpha must be at least 0, not -3.5. The resource is left out of the optimization until it is fixed.',
    });
    const events = await api.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=Model,involvedObject.name=model-broken',
    });
    expect(events.items.map((event) => [event.type, event.reason, event.message])).toEqual([
      ['Warning', 'InvalidSpec', conditionOf(model, 'Valid')!.message],
    ]);

    // The sample server is served as if the broken Model were not there; the broken one's server is told why not.
    const server = await eventually(async () => {
      const found = await readResource('Server', namespace, 'server-sample');
      return found.spec?.desiredAlloc ? found : undefined;
    });
    const expected = await optimizerSolution(await sampleData());
    expect(server.spec?.desiredAlloc).toEqual(expected.allocations['Premium-granite-13b']);
    const broken = await readResource('Server', namespace, 'server-broken');
    expect(broken.spec?.desiredAlloc).toBeUndefined();
    expect(conditionOf(broken, 'Allocated')).toMatchObject({ status: 'False', reason: 'UnknownModel' });
    const optimizer = await eventually(async () => {
      const found = await readResource('Optimizer', namespace, 'optimizer-sample');
      return found.status?.done === true ? found : undefined;
    });
    expect(conditionOf(optimizer, 'Optimized')?.message).toContain('Placed 1 of 2 servers');
    expect(conditionOf(optimizer, 'Optimized')?.message).toContain('1 invalid resource left out');

    // It keeps serving: a new request is answered, and the broken Model is not evented again.
    await kubectl(
      'patch',
      '-n',
      namespace,
      'server',
      'server-sample',
      '--type',
      'merge',
      '-p',
      '{"spec":{"currentAlloc":{"load":{"arrivalRate":50}}}}',
    );
    await requestOptimization(namespace, 'optimizer-sample');
    await eventually(async () => {
      const found = await readResource('Server', namespace, 'server-sample');
      return (found.spec?.desiredAlloc as { load: { arrivalRate: number } }).load.arrivalRate === 50
        ? found
        : undefined;
    });
    await eventually(async () => (controller.optimizations.length === 2 ? true : undefined));
    expect(logs.filter((entry) => entry.level === 'error')).toEqual([]);
    const again = await api.core.listNamespacedEvent({
      namespace,
      fieldSelector: 'involvedObject.kind=Model,involvedObject.name=model-broken',
    });
    expect(again.items).toHaveLength(1);

    // Fixed, it is valid again, with a Normal event saying so.
    await kubectl(
      'patch',
      '-n',
      namespace,
      'model',
      'model-broken',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/data/0/alpha","value":3.5}]',
    );
    await requestOptimization(namespace, 'optimizer-sample');
    const fixed = await eventually(async () => {
      const found = await readResource('Model', namespace, 'model-broken');
      return found.status?.active === true ? found : undefined;
    });
    expect(conditionOf(fixed, 'Valid')).toMatchObject({ status: 'True', reason: 'ValidSpec' });
  });

  test('in stateful mode a malformed resource is reported as soon as it is written, without an optimization', async () => {
    const namespace = await createNamespace('icl-controller-stateful');
    const { controller } = await startTestController(namespace, { mode: 'stateful' });
    expect(controller.settings.mode).toBe('stateful');
    await createResource('Model', namespace, 'model-broken', malformedModel);
    await createResource('Accelerator', namespace, 'accelerator-broken', {
      name: 'X1',
      type: 'X1',
      cost: -1,
    });
    const model = await eventually(async () => {
      const found = await readResource('Model', namespace, 'model-broken');
      return found.status ? found : undefined;
    });
    expect(conditionOf(model, 'Valid')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    const accelerator = await eventually(async () => {
      const found = await readResource('Accelerator', namespace, 'accelerator-broken');
      return found.status ? found : undefined;
    });
    expect(conditionOf(accelerator, 'Valid')?.message).toBe(
      'spec.cost must be at least 0, not -1. The resource is left out of the optimization until it is fixed.',
    );
    expect(controller.optimizations).toEqual([]);

    // And it optimizes from its caches like the stateless controller does from the API server.
    await kubectl('apply', '-n', namespace, '-k', controllerSamples);
    await requestOptimization(namespace, 'optimizer-sample');
    const server = await eventually(async () => {
      const found = await readResource('Server', namespace, 'server-sample');
      return found.spec?.desiredAlloc ? found : undefined;
    });
    const expected = await optimizerSolution(await sampleData());
    expect(server.spec?.desiredAlloc).toEqual(expected.allocations['Premium-granite-13b']);
  });
});
