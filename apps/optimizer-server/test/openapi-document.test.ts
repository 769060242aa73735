import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, test } from 'vitest';
import { createOptimizerServerApp, openApiDocumentUrl } from '../src/index';
import { readFixture, sampleSetBody, useOptimizerServer } from './helpers';
import { compileEverySchema, componentSchemas, schemaErrors } from './openapi-schemas';

const server = useOptimizerServer();

describe('the OpenAPI document', () => {
  test('GET /openapi.json serves the file the package ships', async () => {
    const shipped = JSON.parse(readFileSync(openApiDocumentUrl, 'utf8'));
    expect(await server.get('/openapi.json')).toEqual({ status: 200, body: shipped });
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.exports['./openapi.json']).toBe('./openapi/optimizer-server.openapi.json');
    expect(manifest.files).toContain('openapi');
  });

  test('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const { body } = await server.get<Record<string, unknown>>('/openapi.json');
    const validated = (await SwaggerParser.validate(structuredClone(body) as never)) as { openapi?: string };
    expect(validated.openapi).toBe('3.1.0');
  });

  test('its schemas are valid JSON Schema 2020-12 (compiled in strict mode)', () => {
    expect(compileEverySchema()).toEqual(Object.keys(componentSchemas));
  });

  test('describes every route the server has, and no other', async () => {
    const app = createOptimizerServerApp();
    const served = new Set(
      app.routes.map((route) => `${route.method} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
    );
    const { body } = await server.get<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json');
    const documented = new Set(
      Object.entries(body.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    // The 13 stateless routes and the two of ICL (openapi.json, health), and the 22 stateful ones.
    expect(served.size).toBe(37);
  });

  test('Inferno’s own bodies conform to its SystemData schema', () => {
    expect(schemaErrors('SystemData', readFixture('small/system-data.json'))).toEqual([]);
    for (const set of ['tiny', 'small', 'large', 'large-light']) {
      expect(schemaErrors('SystemData', sampleSetBody(set)), set).toEqual([]);
    }
  });

  test('Inferno’s expected solutions conform to its AllocationSolution schema, less ICL’s fields', () => {
    for (const set of ['small', 'large', 'large-light']) {
      const solution = readFixture(`${set}/solution-data.json`);
      const errors = schemaErrors('AllocationSolution', {
        unallocated: [],
        totalCost: 0,
        optimal: false,
        ...solution,
      });
      expect(errors, set).toEqual([]);
    }
  });
});
