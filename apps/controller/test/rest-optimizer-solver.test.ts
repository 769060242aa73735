import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendUnavailableError } from '@icl/core';
import {
  infernoSystemToProblem,
  parseInfernoSystemData,
  solutionToInferno,
  solveAllocation,
} from '@icl/optimizer';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createInProcessSolver, createRestOptimizerSolver } from '../src/index';
import { controllerSamples, optimizerSolution, sampleData } from './inferno-fixtures';
import {
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

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * A stand-in for an Inferno-compatible optimizer server on 127.0.0.1: `POST /optimizeOne` solves the body
 * with `@icl/optimizer` (as ICL's optimizer server does); `inferno: true` answers as Inferno's own does,
 * with allocations only.
 */
async function optimizerServer(options: { inferno?: boolean; status?: number } = {}) {
  const requests: unknown[] = [];
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    if (request.method !== 'POST' || request.url !== '/optimizeOne') {
      response.writeHead(404).end();
      return;
    }
    if (options.status) {
      response.writeHead(options.status, { 'content-type': 'application/json' }).end('{"error":"bad body"}');
      return;
    }
    const data = parseInfernoSystemData(JSON.parse(body), 'request body');
    requests.push(data);
    const { problem, options: flags } = infernoSystemToProblem(data);
    const solution = solutionToInferno(await solveAllocation(problem, flags), problem);
    const answer = options.inferno ? { allocations: solution.allocations } : solution;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('solving with an optimizer REST server', () => {
  beforeAll(async () => {
    await installCrds();
  });

  test('POST /optimizeOne gets the system data and its answer is the same solution as solving in process', async () => {
    const data = await sampleData();
    data.system.capacityData = { count: [{ type: 'A100', count: 3 }] };
    data.system.optimizerData.optimizer.unlimited = false;
    const { url, requests } = await optimizerServer();
    const remote = await createRestOptimizerSolver(url).solve(data);
    const local = await createInProcessSolver({ exactTimeLimitMilliseconds: 10_000 }).solve(data);
    expect(requests).toEqual([data]);
    expect(remote.allocations).toEqual(
      Object.fromEntries(
        Object.entries(local.allocations).map(([name, { transitionPenalty: _penalty, ...allocation }]) => [
          name,
          allocation,
        ]),
      ),
    );
    expect(remote.unallocated).toEqual(local.unallocated);
    expect(remote.unallocated[0]?.cause).toBe('capacity');
  });

  test('a server that refuses or does not answer is an error that names it and is worth retrying', async () => {
    const { url } = await optimizerServer({ status: 400 });
    const refused = await createRestOptimizerSolver(url)
      .solve(await sampleData())
      .catch((error: unknown) => error);
    expect(BackendUnavailableError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toBe(
      `The optimizer server at ${url}/optimizeOne answered 400 Bad Request: {"error":"bad body"}`,
    );
    expect((refused as BackendUnavailableError).isRetryable).toBe(true);
    const silent = await createRestOptimizerSolver('http://127.0.0.1:9')
      .solve(await sampleData())
      .catch((error: unknown) => error);
    expect((silent as Error).message).toMatch(
      /^The optimizer server at http:\/\/127\.0\.0\.1:9\/optimizeOne did not answer: /,
    );
  });

  test("a controller configured with Inferno's optimizer server writes its answer; left-out servers get a plain reason", async () => {
    const { url, requests } = await optimizerServer({ inferno: true });
    const namespace = await createNamespace('icl-controller-rest');
    await kubectl('apply', '-n', namespace, '-k', controllerSamples);
    await createResource('Server', namespace, 'server-orphan', {
      name: 'Premium-unknown',
      class: 'Premium',
      model: 'no-such-model',
      currentAlloc: { accelerator: '', numReplicas: 0, load: { arrivalRate: 10, avgLength: 512 } },
    });
    await startTestController(namespace, { optimizerUrl: url });
    await requestOptimization(namespace, 'optimizer-sample');
    const server = await eventually(async () => {
      const found = await readResource('Server', namespace, 'server-sample');
      return found.spec?.desiredAlloc ? found : undefined;
    });
    expect(requests).toHaveLength(1);
    expect(server.spec?.desiredAlloc).toEqual(
      (await optimizerSolution(await sampleData())).allocations['Premium-granite-13b'],
    );
    const optimizer = await eventually(async () => {
      const found = await readResource('Optimizer', namespace, 'optimizer-sample');
      return found.status?.done ? found : undefined;
    });
    expect(JSON.stringify(optimizer.status?.conditions)).toContain(`${url}/optimizeOne`);
    expect(conditionOf(await readResource('Server', namespace, 'server-orphan'), 'Allocated')).toMatchObject({
      status: 'False',
      reason: 'NotAllocated',
      message: `The optimizer (${url}/optimizeOne) did not allocate this server and gave no reason; desiredAlloc is left as it was.`,
    });
  });
});
