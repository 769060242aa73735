import type { InfernoAllocationSolution } from '@icl/optimizer';
import { beforeAll, describe, expect, test } from 'vitest';
import { readFixture, sampleSetBody, useOptimizerServer } from './helpers';
import { schemaErrors } from './openapi-schemas';

const server = useOptimizerServer();

interface Accelerator {
  name: string;
  type: string;
}
interface ModelEntry {
  name: string;
  acc: string;
}
interface ServiceClass {
  name: string;
  priority: number;
  modelTargets: { model: string; 'slo-itl'?: number; 'slo-ttw'?: number; 'slo-tps'?: number }[];
}
interface Server {
  name: string;
  currentAlloc: Record<string, unknown>;
}

/** A target as Inferno answers it: every target present, 0 where the class set none. */
function withZeroTargets(serviceClass: ServiceClass) {
  return {
    ...serviceClass,
    modelTargets: serviceClass.modelTargets.map((target) => ({
      'slo-itl': 0,
      'slo-ttw': 0,
      'slo-tps': 0,
      ...target,
    })),
  };
}

/** A server as Inferno answers it: the fields it was posted without hold their zero values. */
function withZeroFields(server: Server, desiredAlloc: unknown) {
  return {
    keepAccelerator: false,
    minNumReplicas: 0,
    maxBatchSize: 0,
    ...server,
    currentAlloc: {
      accelerator: '',
      numReplicas: 0,
      maxBatch: 0,
      cost: 0,
      itlAverage: 0,
      waitAverage: 0,
      ...server.currentAlloc,
    },
    desiredAlloc,
  };
}

const path = (...segments: string[]) => segments.map(encodeURIComponent).join('/');

describe('before any system is posted', () => {
  test('the lists are empty and every name is unknown, with Inferno’s 404 messages', async () => {
    expect(await server.get('/getAccelerators')).toEqual({ status: 200, body: [] });
    expect(await server.get('/getCapacities')).toEqual({ status: 200, body: { count: [] } });
    expect(await server.get('/getModels')).toEqual({ status: 200, body: [] });
    expect(await server.get('/getServiceClasses')).toEqual({ status: 200, body: { serviceClasses: [] } });
    expect(await server.get('/getServers')).toEqual({ status: 200, body: { servers: [] } });
    expect(await server.get('/getAccelerator/A100')).toMatchObject({
      status: 404,
      body: { message: 'accelerator A100 not found', code: 'not-found' },
    });
    expect(await server.get('/getServer/Premium-llama_7b')).toMatchObject({
      status: 404,
      body: { message: 'server Premium-llama_7b not found' },
    });
  });
});

describe('after POST /optimizeOne with large-light, the GET endpoints return what was posted', () => {
  const set = 'large-light';
  const posted = sampleSetBody(set);
  const accelerators = readFixture<{ accelerators: Accelerator[] }>(
    `${set}/accelerator-data.json`,
  ).accelerators;
  const capacity = readFixture<{ count: { type: string; count: number }[] }>(`${set}/capacity-data.json`);
  const models = readFixture<{ models: ModelEntry[] }>(`${set}/model-data.json`).models;
  const serviceClasses = readFixture<{ serviceClasses: ServiceClass[] }>(
    `${set}/serviceclass-data.json`,
  ).serviceClasses;
  const servers = readFixture<{ servers: Server[] }>(`${set}/server-data.json`).servers;
  let solution: InfernoAllocationSolution;

  beforeAll(async () => {
    const answer = await server.post<InfernoAllocationSolution>('/optimizeOne', posted);
    expect(answer.status).toBe(200);
    solution = answer.body;
  });

  test('accelerators, all and one by one', async () => {
    const all = await server.get('/getAccelerators');
    expect(all).toEqual({ status: 200, body: accelerators });
    for (const accelerator of accelerators) {
      const one = await server.get(`/getAccelerator/${path(accelerator.name)}`);
      expect(one).toEqual({ status: 200, body: accelerator });
      expect(schemaErrors('AcceleratorSpec', one.body)).toEqual([]);
    }
  });

  test('capacities, all and one by one; an unknown type is a 404', async () => {
    expect(await server.get('/getCapacities')).toEqual({ status: 200, body: capacity });
    for (const count of capacity.count) {
      expect(await server.get(`/getCapacity/${path(count.type)}`)).toEqual({ status: 200, body: count });
    }
    expect(await server.get('/getCapacity/TPU')).toMatchObject({
      status: 404,
      body: { message: 'capacity for TPU not found' },
    });
  });

  test('models: the names once each, each model’s entries, and each model–accelerator pair', async () => {
    const names = [...new Set(models.map((entry) => entry.name))];
    expect(await server.get('/getModels')).toEqual({ status: 200, body: names });
    for (const name of names) {
      const one = await server.get(`/getModel/${path(name)}`);
      expect(one).toEqual({ status: 200, body: { models: models.filter((entry) => entry.name === name) } });
      expect(schemaErrors('ModelData', one.body)).toEqual([]);
    }
    for (const entry of models) {
      expect(await server.get(`/getModelAcceleratorPerf/${path(entry.name, entry.acc)}`)).toEqual({
        status: 200,
        body: entry,
      });
    }
    const [first] = models;
    expect(await server.get(`/getModelAcceleratorPerf/${path(first!.name, 'TPU')}`)).toMatchObject({
      status: 404,
      body: { message: 'accelerator TPU not found' },
    });
    expect(await server.get('/getModelAcceleratorPerf/gpt-9/L4')).toMatchObject({
      status: 404,
      body: { message: 'model gpt-9 not found' },
    });
  });

  test('service classes and their targets, 0 for a target not set', async () => {
    const all = await server.get('/getServiceClasses');
    expect(all).toEqual({ status: 200, body: { serviceClasses: serviceClasses.map(withZeroTargets) } });
    expect(schemaErrors('ServiceClassData', all.body)).toEqual([]);
    for (const serviceClass of serviceClasses) {
      expect(await server.get(`/getServiceClass/${path(serviceClass.name)}`)).toEqual({
        status: 200,
        body: withZeroTargets(serviceClass),
      });
      for (const target of withZeroTargets(serviceClass).modelTargets) {
        expect(
          await server.get(`/getServiceClassModelTarget/${path(serviceClass.name, target.model)}`),
        ).toEqual({ status: 200, body: target });
      }
    }
    expect(await server.get('/getServiceClassModelTarget/Premium/gpt-9')).toMatchObject({
      status: 404,
      body: { message: 'model gpt-9 not found' },
    });
    expect(await server.get('/getServiceClassModelTarget/Platinum/llama_7b')).toMatchObject({
      status: 404,
      body: { message: 'service class Platinum not found' },
    });
  });

  test('servers, with the solution’s allocation as their desiredAlloc', async () => {
    const desired = (name: string) => {
      const { transitionPenalty: _penalty, shares: _shares, ...allocation } = solution.allocations[name]!;
      return allocation;
    };
    const all = await server.get('/getServers');
    expect(all).toEqual({
      status: 200,
      body: { servers: servers.map((entry) => withZeroFields(entry, desired(entry.name))) },
    });
    expect(schemaErrors('ServerData', all.body)).toEqual([]);
    for (const entry of servers) {
      expect(await server.get(`/getServer/${path(entry.name)}`)).toEqual({
        status: 200,
        body: withZeroFields(entry, desired(entry.name)),
      });
    }
  });
});

describe('which system the GET endpoints show', () => {
  test('a rejected request leaves the last system; the next accepted one replaces it', async () => {
    expect((await server.post('/optimizeOne', sampleSetBody('large-light'))).status).toBe(200);
    const before = await server.get('/getServers');

    expect((await server.post('/optimizeOne', '{"system": ')).status).toBe(400);
    expect(await server.get('/getServers')).toEqual(before);
    expect((await server.post('/optimizeOne?mode=fastest', sampleSetBody('tiny'))).status).toBe(400);
    expect(await server.get('/getServers')).toEqual(before);

    expect((await server.post('/optimizeOne', sampleSetBody('tiny'))).status).toBe(200);
    const tinyModels = readFixture<{ models: ModelEntry[] }>('tiny/model-data.json').models;
    expect((await server.get('/getModels')).body).toEqual([
      ...new Set(tinyModels.map((entry) => entry.name)),
    ]);
  });

  test('a server left out keeps the desiredAlloc it was posted with, or an empty one', async () => {
    const body = sampleSetBody('tiny');
    const serverData = body.system.serverData as { servers: Record<string, unknown>[] };
    const posted = {
      accelerator: 'L4',
      numReplicas: 2,
      maxBatch: 8,
      cost: 12,
      itlAverage: 9,
      waitAverage: 3,
    };
    serverData.servers.push(
      {
        name: 'unmeasured',
        class: 'Premium',
        model: 'gpt-9',
        currentAlloc: { load: { arrivalRate: 1, avgLength: 10 } },
      },
      {
        name: 'unmeasured-with-desire',
        class: 'Premium',
        model: 'gpt-9',
        currentAlloc: { load: { arrivalRate: 1, avgLength: 10 } },
        desiredAlloc: { ...posted, load: { arrivalRate: 1, avgLength: 10 } },
      },
    );
    const { status, body: solution } = await server.post<InfernoAllocationSolution>('/optimizeOne', body);
    expect(status).toBe(200);
    expect(solution.unallocated?.map((entry) => entry.server)).toEqual([
      'unmeasured',
      'unmeasured-with-desire',
    ]);

    expect((await server.get<{ desiredAlloc: unknown }>('/getServer/unmeasured')).body.desiredAlloc).toEqual({
      accelerator: '',
      numReplicas: 0,
      maxBatch: 0,
      cost: 0,
      itlAverage: 0,
      waitAverage: 0,
      load: { arrivalRate: 0, avgLength: 0, arrivalCOV: 0, serviceCOV: 0 },
    });
    expect(
      (await server.get<{ desiredAlloc: unknown }>('/getServer/unmeasured-with-desire')).body.desiredAlloc,
    ).toEqual({ ...posted, load: { arrivalRate: 1, avgLength: 10 } });
  });

  test('a service class posted twice is one class with the targets of both', async () => {
    const body = sampleSetBody('tiny');
    const classes = body.system.serviceClassData as { serviceClasses: ServiceClass[] };
    classes.serviceClasses.push({
      name: 'Premium',
      priority: 1,
      modelTargets: [{ model: 'llama-3-8b', 'slo-itl': 60 }],
    });
    expect((await server.post('/optimizeOne', body)).status).toBe(200);

    const premium = await server.get<ServiceClass>('/getServiceClass/Premium');
    expect(premium.body.modelTargets.map((target) => target.model)).toEqual([
      ...readFixture<{ serviceClasses: ServiceClass[] }>('tiny/serviceclass-data.json')
        .serviceClasses.find((entry) => entry.name === 'Premium')!
        .modelTargets.map((target) => target.model),
      'llama-3-8b',
    ]);
    const names = (
      await server.get<{ serviceClasses: ServiceClass[] }>('/getServiceClasses')
    ).body.serviceClasses.map((entry) => entry.name);
    expect(names.filter((name) => name === 'Premium')).toHaveLength(1);
  });
});
