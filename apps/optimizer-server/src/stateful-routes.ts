import {
  FieldReader,
  type InfernoAllocationSolution,
  type InfernoOptimizerSpec,
  parseInfernoSystemData,
  readAcceleratorData,
  readAcceleratorSpec,
  readCapacityData,
  readModelData,
  readModelPerformance,
  readOptimizerSpec,
  readServerData,
  readServerSpec,
  readServiceClassData,
  readServiceClassSpec,
} from '@icl/optimizer';
import type { Context, Hono } from 'hono';
import { badRequestOf, HttpError, notFoundResponse } from './http-error';
import { readInfernoBody } from './optimize-one';
import type { SolverPool } from './solver-pool';
import type { StatefulSystem } from './stateful-system';

/** What the stateful routes share with the rest of the app: the system, and the last solution. */
export interface StatefulState {
  system: StatefulSystem;
  /** What `/optimize` or `/optimizeOne` answered last, whose allocations the servers show. */
  solution: InfernoAllocationSolution | undefined;
  /** Called after every change, so the `GET` endpoints show the system as it is now. */
  changed(): void;
}

/**
 * Inferno's stateful API (v0.5.0's `StateFullServer`), which its controller uses when
 * `INFERNO_STATELESS=false`: the system is built and changed call by call, then `POST /optimize` (with
 * the optimizer settings as its body) solves it. Paths, verbs (Inferno adds and removes some with `GET`)
 * and answers are Inferno's; bodies are checked as `/optimizeOne` checks them, a mistake answering 400
 * with the field. The controller posts one target to `/addServiceClassModelTarget` where Inferno serves
 * `/addServiceClassModelTargets` with a class's list: both are accepted.
 */
export function addStatefulRoutes(app: Hono, state: StatefulState, solvers: SolverPool): void {
  const system = () => state.system;
  const changed = <T>(c: Context, answer: T) => {
    state.changed();
    return c.json(answer);
  };

  app.post('/setAccelerators', async (c) => {
    const data = readInfernoBody(await c.req.text(), readAcceleratorData);
    system().accelerators.clear();
    for (const accelerator of data.accelerators) system().accelerators.set(accelerator.name, accelerator);
    return changed(c, data);
  });
  app.post('/addAccelerator', async (c) => {
    const accelerator = readInfernoBody(await c.req.text(), readAcceleratorSpec);
    system().accelerators.set(accelerator.name, accelerator);
    return changed(c, accelerator);
  });
  app.get('/removeAccelerator/:name', (c) => {
    const name = c.req.param('name');
    const accelerator = system().accelerators.get(name);
    if (!accelerator) return notFoundResponse(c, `accelerator ${name} not found`, '/getAccelerators');
    system().accelerators.delete(name);
    return changed(c, accelerator);
  });

  app.post('/setCapacities', async (c) => {
    const data = readInfernoBody(await c.req.text(), (reader) => readCapacityData(reader));
    system().capacities.clear();
    for (const count of data.count) system().capacities.set(count.type, count.count);
    return changed(c, data);
  });
  app.post('/setCapacity', async (c) => {
    const data = readInfernoBody(await c.req.text(), (reader) =>
      readCapacityData(new FieldReader({ count: [reader.value] }, reader.source)),
    );
    const [count] = data.count;
    system().capacities.set(count!.type, count!.count);
    return changed(c, count);
  });
  app.get('/removeCapacity/:type', (c) => {
    const type = c.req.param('type');
    const count = system().capacities.get(type);
    if (count === undefined)
      return notFoundResponse(c, `accelerator type ${type} not found`, '/getCapacities');
    system().capacities.delete(type);
    return changed(c, { type, count });
  });

  app.post('/setModels', async (c) => {
    const data = readInfernoBody(await c.req.text(), readModelData);
    system().models.clear();
    for (const performance of data.models) system().addPerformance(performance);
    return changed(c, data);
  });
  app.get('/addModel/:name', (c) => {
    const name = c.req.param('name');
    if (!system().models.has(name)) system().models.set(name, new Map());
    return changed(c, name);
  });
  app.get('/removeModel/:name', (c) => {
    const name = c.req.param('name');
    if (!system().models.delete(name)) return notFoundResponse(c, `model ${name} not found`, '/getModels');
    return changed(c, name);
  });
  app.post('/addModelAcceleratorPerf', async (c) => {
    const performance = readInfernoBody(await c.req.text(), (reader) =>
      readModelPerformance(reader, reader.field('name').string({ required: true })),
    );
    if (!system().models.has(performance.name))
      return notFoundResponse(c, `model ${performance.name} not found`, '/getModels');
    system().addPerformance(performance);
    return changed(c, performance);
  });
  app.get('/removeModelAcceleratorPerf/:name/:acc', (c) => {
    const { name, acc } = c.req.param();
    const byAccelerator = system().models.get(name);
    if (!byAccelerator) return notFoundResponse(c, `model ${name} not found`, '/getModels');
    const performance = byAccelerator.get(acc);
    if (!performance) return notFoundResponse(c, `accelerator ${acc} not found`, `/getModel/${name}`);
    byAccelerator.delete(acc);
    return changed(c, performance);
  });

  app.post('/setServiceClasses', async (c) => {
    const data = readInfernoBody(await c.req.text(), readServiceClassData);
    system().serviceClasses.clear();
    for (const serviceClass of data.serviceClasses) system().addTargets(serviceClass);
    return changed(c, data);
  });
  app.get('/addServiceClass/:name/:priority', (c) => {
    const { name, priority } = c.req.param();
    if (!/^-?\d+$/.test(priority))
      throw new HttpError(400, {
        code: 'invalid-field',
        field: 'priority',
        message: `service class priority ${priority} invalid`,
        hint: 'Give a whole number; lower is more important (Inferno uses 1 to 100).',
      });
    system().addServiceClass(name, Number(priority));
    return changed(
      c,
      system()
        .serviceClassSpecs()
        .find((serviceClass) => serviceClass.name === name),
    );
  });
  app.get('/removeServiceClass/:name', (c) => {
    const name = c.req.param('name');
    const known = system()
      .serviceClassSpecs()
      .find((serviceClass) => serviceClass.name === name);
    if (!known) return notFoundResponse(c, `service class ${name} not found`, '/getServiceClasses');
    system().serviceClasses.delete(name);
    return changed(c, known);
  });
  const addTargets = async (c: Context) => {
    // Inferno's shape ({name, priority, modelTargets: […]}) or its controller's (one target, flattened).
    const spec = readInfernoBody(await c.req.text(), (reader) =>
      reader.field('modelTargets').present
        ? readServiceClassSpec(reader, 'modelTargets')
        : readServiceClassSpec(
            new FieldReader(
              { ...(reader.object() as object), modelTargets: [reader.object()] },
              reader.source,
              reader.path,
            ),
            'modelTargets',
          ),
    );
    if (!system().serviceClasses.has(spec.name))
      return notFoundResponse(c, `service class ${spec.name} not found`, '/getServiceClasses');
    if (!system().addTargets(spec))
      throw new HttpError(400, {
        code: 'invalid-field',
        field: 'priority',
        message: `inconsistent specs: svcName=${spec.name} ; svcPrio=${spec.priority}`,
        hint: `Service class ${spec.name} has priority ${system().serviceClasses.get(spec.name)!.priority}; send that.`,
      });
    return changed(
      c,
      system()
        .serviceClassSpecs()
        .find((serviceClass) => serviceClass.name === spec.name),
    );
  };
  app.post('/addServiceClassModelTargets', addTargets);
  app.post('/addServiceClassModelTarget', addTargets);
  app.get('/removeServiceClassModelTarget/:name/:model', (c) => {
    const { name, model } = c.req.param();
    const serviceClass = system().serviceClasses.get(name);
    if (!serviceClass) return notFoundResponse(c, `service class ${name} not found`, '/getServiceClasses');
    const target = serviceClass.targets.get(model);
    if (!target) return notFoundResponse(c, `model ${model} not found`, `/getServiceClass/${name}`);
    serviceClass.targets.delete(model);
    return changed(c, target);
  });

  app.post('/setServers', async (c) => {
    const data = readInfernoBody(await c.req.text(), readServerData);
    system().servers.clear();
    for (const server of data.servers) system().servers.set(server.name, server);
    return changed(c, data);
  });
  app.post('/addServer', async (c) => {
    const server = readInfernoBody(await c.req.text(), readServerSpec);
    system().servers.set(server.name, server);
    return changed(c, server);
  });
  app.get('/removeServer/:name', (c) => {
    const name = c.req.param('name');
    const server = system().servers.get(name);
    if (!server) return notFoundResponse(c, `server ${name} not found`, '/getServers');
    system().servers.delete(name);
    return changed(c, server);
  });

  app.post('/optimize', async (c) => {
    const optimizer: InfernoOptimizerSpec = readInfernoBody(await c.req.text(), readOptimizerSpec);
    // The system as built, read as an /optimizeOne body is: the same checks, the same model.
    let data: ReturnType<typeof parseInfernoSystemData>;
    try {
      data = parseInfernoSystemData(
        JSON.parse(JSON.stringify(system().toSystemData(optimizer))),
        'the system',
      );
    } catch (error) {
      throw badRequestOf(error, 'invalid-field');
    }
    const solution = await solvers.solve(data, {});
    state.solution = solution;
    state.changed();
    return c.json(solution);
  });
  app.get('/applyAllocation', (c) => {
    // Each server's desired allocation becomes its current one, as after the cluster applied it.
    for (const [name, allocation] of Object.entries(state.solution?.allocations ?? {})) {
      const server = system().servers.get(name);
      if (!server) continue;
      const { accelerator, numReplicas, maxBatch, cost, itlAverage, waitAverage } = allocation;
      system().servers.set(name, {
        ...server,
        currentAlloc: {
          ...server.currentAlloc,
          accelerator,
          numReplicas,
          maxBatch,
          cost,
          itlAverage,
          waitAverage,
        },
      });
    }
    return changed(c, 'Done');
  });
}
