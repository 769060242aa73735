import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type ErrorBody, HttpError, notFoundResponse } from './http-error';
import { LoadedSystem } from './loaded-system';
import { readOpenApiDocument } from './openapi-document';
import { readSolveRequest, readSystemData } from './optimize-one';
import { SolverPool } from './solver-pool';
import { addStatefulRoutes, type StatefulState } from './stateful-routes';
import { StatefulSystem } from './stateful-system';

/** How the routes behave. */
export interface OptimizerServerAppOptions {
  /** The largest request body accepted, in bytes; 64 MiB by default (a 10,000-server system is a few MiB). */
  maxBodyBytes?: number;
  /** The threads solves run on; a pool of its own by default (close it with the server). */
  solvers?: SolverPool;
}

/** The default of {@link OptimizerServerAppOptions.maxBodyBytes}. */
export const defaultMaxBodyBytes = 64 * 1024 * 1024;

/**
 * The server's HTTP API as a Hono app: Inferno's stateless routes (`POST /optimizeOne` and the
 * `GET /get…` entity endpoints, with its paths, shapes and 404 answers), its stateful ones (the system
 * built call by call, solved by `POST /optimize`; see `addStatefulRoutes`), `GET /openapi.json` and
 * `GET /health`. Each app keeps its own system, which both APIs share.
 */
export function createOptimizerServerApp(options: OptimizerServerAppOptions = {}): Hono {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const openApiDocument = readOpenApiDocument();
  let loaded = LoadedSystem.empty();
  const solvers = options.solvers ?? new SolverPool();
  // What the GET endpoints show is rebuilt for the next GET after a stateful change, not on every change:
  // a controller adding a thousand servers one call at a time costs one rebuild, not a thousand.
  let stale = false;
  // One model of the system for both APIs: /optimizeOne replaces it, the stateful calls change it.
  const state: StatefulState = {
    system: new StatefulSystem(),
    solution: undefined,
    changed() {
      stale = true;
    },
  };
  const view = (): LoadedSystem => {
    if (stale) {
      const settings = { unlimited: false, heterogeneous: false, milpSolver: false, useCplex: false };
      loaded = LoadedSystem.of(state.system.toSystemData(settings));
      if (state.solution) loaded.recordSolution(state.solution);
      stale = false;
    }
    return loaded;
  };
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof HttpError) return c.json(error.body, error.status);
    console.error(`optimizer server: ${c.req.method} ${c.req.path} failed: ${error.stack ?? error}`);
    // Inferno words a failed solve this way; clients may look for it.
    const what = c.req.path === '/optimizeOne' ? 'optimization error' : 'internal error';
    const body: ErrorBody = { code: 'internal', message: `${what}: ${error.message}` };
    return c.json(body, 500);
  });
  app.notFound((c) => {
    const body: ErrorBody = {
      code: 'not-found',
      message: `No route ${c.req.method} ${c.req.path}.`,
      hint: 'GET /openapi.json lists the routes.',
    };
    return c.json(body, 404);
  });

  app.post(
    '/optimizeOne',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => {
        const body: ErrorBody = {
          code: 'payload-too-large',
          message: `The request body is larger than ${maxBodyBytes} bytes.`,
          hint: 'Start the server with a larger --max-body-bytes.',
        };
        return c.json(body, 413);
      },
    }),
    async (c) => {
      const request = readSolveRequest({
        mode: c.req.query('mode'),
        timeLimitMilliseconds: c.req.query('timeLimitMilliseconds'),
      });
      const data = readSystemData(await c.req.text());
      // Like Inferno, the system read is the one the GET endpoints show from now on, even if the solve fails.
      const system = LoadedSystem.of(data);
      loaded = system;
      stale = false;
      state.system = StatefulSystem.of(data);
      state.solution = undefined;
      const solution = await solvers.solve(data, request);
      system.recordSolution(solution);
      state.solution = solution;
      return c.json(solution);
    },
  );

  app.get('/getAccelerators', (c) => c.json(view().accelerators()));
  app.get('/getAccelerator/:name', (c) =>
    found(
      c,
      view().accelerator(c.req.param('name')),
      `accelerator ${c.req.param('name')} not found`,
      '/getAccelerators',
    ),
  );
  app.get('/getCapacities', (c) => c.json({ count: view().capacities() }));
  app.get('/getCapacity/:type', (c) =>
    found(
      c,
      view().capacity(c.req.param('type')),
      `capacity for ${c.req.param('type')} not found`,
      '/getCapacities',
    ),
  );
  app.get('/getModels', (c) => c.json(view().modelNames()));
  app.get('/getModel/:name', (c) =>
    found(c, view().model(c.req.param('name')), `model ${c.req.param('name')} not found`, '/getModels'),
  );
  app.get('/getServiceClasses', (c) => c.json({ serviceClasses: view().serviceClasses() }));
  app.get('/getServiceClass/:name', (c) =>
    found(
      c,
      view().serviceClass(c.req.param('name')),
      `service class ${c.req.param('name')} not found`,
      '/getServiceClasses',
    ),
  );
  app.get('/getServiceClassModelTarget/:name/:model', (c) => {
    const { name, model } = c.req.param();
    if (!view().serviceClass(name))
      return found(c, undefined, `service class ${name} not found`, '/getServiceClasses');
    return found(c, view().modelTarget(name, model), `model ${model} not found`, `/getServiceClass/${name}`);
  });
  app.get('/getServers', (c) => c.json({ servers: view().servers() }));
  app.get('/getServer/:name', (c) =>
    found(c, view().server(c.req.param('name')), `server ${c.req.param('name')} not found`, '/getServers'),
  );
  app.get('/getModelAcceleratorPerf/:name/:acc', (c) => {
    const { name, acc } = c.req.param();
    if (!view().model(name)) return found(c, undefined, `model ${name} not found`, '/getModels');
    return found(
      c,
      view().modelAcceleratorPerformance(name, acc),
      `accelerator ${acc} not found`,
      `/getModel/${name}`,
    );
  });

  addStatefulRoutes(app, state, solvers);

  app.get('/openapi.json', (c) => c.json(openApiDocument));
  app.get('/health', (c) => c.json({ ok: true }));
  return app;
}

/** Answers the entity, or 404 with Inferno's message. */
function found(c: Context, entity: object | undefined, message: string, listRoute: string): Response {
  return entity === undefined ? notFoundResponse(c, message, listRoute) : c.json(entity);
}
