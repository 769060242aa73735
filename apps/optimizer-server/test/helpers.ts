import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { sharedFixturesDirectory } from '../../../tooling/testbed/shared-fixtures.mjs';
import { type RunningOptimizerServer, startOptimizerServer } from '../src/index';

/** Inferno's fixtures, shared beside the repository (read only). */
export const infernoFixtures = `${sharedFixturesDirectory('inferno')}/`;

/** A fixture file, parsed. */
export function readFixture<T = Record<string, unknown>>(relativePath: string): T {
  return JSON.parse(readFileSync(`${infernoFixtures}${relativePath}`, 'utf8')) as T;
}

/**
 * A sample set's `*-data.json` files assembled into the body of `POST /optimizeOne`, file by file as
 * Inferno's own system-data.json nests them.
 */
export function sampleSetBody(name: string): { system: Record<string, unknown> } {
  return {
    system: {
      acceleratorData: readFixture(`${name}/accelerator-data.json`),
      modelData: readFixture(`${name}/model-data.json`),
      serviceClassData: readFixture(`${name}/serviceclass-data.json`),
      serverData: readFixture(`${name}/server-data.json`),
      capacityData: readFixture(`${name}/capacity-data.json`),
      optimizerData: readFixture(`${name}/optimizer-data.json`),
    },
  };
}

/** The total cost of Inferno's expected solution of a sample set. */
export function expectedTotalCost(name: string): number {
  const solution = readFixture<{ allocations: Record<string, { cost: number }> }>(
    `${name}/solution-data.json`,
  );
  return Object.values(solution.allocations).reduce((total, allocation) => total + allocation.cost, 0);
}

/** What a client sees of one answer. */
export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** A server started on an ephemeral 127.0.0.1 port for the tests of one file, and a client for it. */
export function useOptimizerServer(): {
  readonly url: string;
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<Answer<T>>;
  get<T = unknown>(path: string): Promise<Answer<T>>;
} {
  let server: RunningOptimizerServer | undefined;
  beforeAll(async () => {
    server = await startOptimizerServer({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });
  const url = () => {
    if (!server) throw new Error('The optimizer server did not start.');
    return server.url;
  };
  const answer = async <T>(response: Response): Promise<Answer<T>> => ({
    status: response.status,
    body: (await response.json()) as T,
  });
  return {
    get url() {
      return url();
    },
    post: async (path, body) =>
      answer(
        await fetch(`${url()}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    get: async (path) => answer(await fetch(`${url()}${path}`)),
  };
}
