import { describe, expect, test } from 'vitest';
import type { ErrorBody } from '../src/index';
import { sampleSetBody, useOptimizerServer } from './helpers';

// Inferno's stateful API, driven as its controller drives it with INFERNO_STATELESS=false
// (llm-inferno/controller: an Accelerator, Capacity, Model, ServiceClass and Server reconciler each
// posting what its resource holds, then the Optimizer reconciler posting /optimize).

const stateful = useOptimizerServer();
const stateless = useOptimizerServer();

describe("Inferno's stateful API", () => {
  test('built call by call in the controller’s order, /optimize answers what /optimizeOne answers for the same system', async () => {
    const system = sampleSetBody('small').system as unknown as {
      acceleratorData: { accelerators: Array<Record<string, unknown> & { name: string }> };
      capacityData: { count: Array<{ type: string; count: number }> };
      modelData: { models: Array<Record<string, unknown> & { name: string }> };
      serviceClassData: {
        serviceClasses: Array<{
          name: string;
          priority: number;
          modelTargets: Array<Record<string, unknown>>;
        }>;
      };
      serverData: { servers: Array<Record<string, unknown> & { name: string }> };
      optimizerData: { optimizer: Record<string, unknown> };
    };
    const ok = async (answer: Promise<{ status: number; body: unknown }>) => {
      const { status, body } = await answer;
      expect(status, JSON.stringify(body)).toBe(200);
      return body;
    };
    for (const accelerator of system.acceleratorData.accelerators)
      await ok(stateful.post('/addAccelerator', accelerator));
    await ok(stateful.post('/setCapacities', system.capacityData));
    for (const name of new Set(system.modelData.models.map((model) => model.name))) {
      expect(await ok(stateful.get(`/addModel/${name}`))).toBe(name);
      for (const performance of system.modelData.models.filter((model) => model.name === name))
        await ok(stateful.post('/addModelAcceleratorPerf', performance));
    }
    for (const serviceClass of system.serviceClassData.serviceClasses) {
      await ok(stateful.get(`/addServiceClass/${serviceClass.name}/${serviceClass.priority}`));
      // The controller's shape: one target a call, flattened, at the singular path.
      for (const target of serviceClass.modelTargets)
        await ok(
          stateful.post('/addServiceClassModelTarget', {
            name: serviceClass.name,
            priority: serviceClass.priority,
            ...target,
          }),
        );
    }
    for (const server of system.serverData.servers) await ok(stateful.post('/addServer', server));
    const built = (await ok(stateful.post('/optimize', system.optimizerData.optimizer))) as {
      allocations: Record<string, unknown>;
      totalCost: number;
    };

    const posted = (await ok(stateless.post('/optimizeOne', { system }))) as typeof built;
    expect(Object.keys(built.allocations).length).toBeGreaterThan(0);
    expect(built.allocations).toEqual(posted.allocations);
    expect(built.totalCost).toBe(posted.totalCost);

    // The GET endpoints show the system as built, each server with its allocation.
    const server = system.serverData.servers[0]!;
    const shown = (await ok(stateful.get(`/getServer/${server.name}`))) as { desiredAlloc?: unknown };
    expect(shown.desiredAlloc).toMatchObject(
      (built.allocations[server.name] as object | undefined) ? { accelerator: expect.any(String) } : {},
    );
    expect(((await ok(stateful.get('/getCapacities'))) as { count: unknown[] }).count).toHaveLength(
      system.capacityData.count.length,
    );
  });

  test('removals answer what they removed, and 404 for what is not there; a bad body is a 400 naming the field', async () => {
    const accelerator = sampleSetBody('small').system.acceleratorData as {
      accelerators: Array<{ name: string }>;
    };
    const first = accelerator.accelerators[0]!;
    await stateful.post('/addAccelerator', first);
    expect(await stateful.get(`/removeAccelerator/${first.name}`)).toEqual({ status: 200, body: first });
    expect(await stateful.get(`/removeAccelerator/${first.name}`)).toMatchObject({
      status: 404,
      body: { code: 'not-found', message: `accelerator ${first.name} not found` },
    });
    const bad = await stateful.post<ErrorBody>('/addServer', { name: 'x', model: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid-field' });
    expect(bad.body.field).toEqual(expect.any(String));
    const priority = await stateful.get<ErrorBody>('/addServiceClass/Gold/high');
    expect(priority).toMatchObject({ status: 400, body: { message: 'service class priority high invalid' } });
  });
});
