import { describe, expect, test } from 'vitest';
import { createOptimizerServerApp, type ErrorBody } from '../src/index';
import { sampleSetBody, useOptimizerServer } from './helpers';
import { componentSchemas, resolveSchema, type SchemaObject, schemaErrors } from './openapi-schemas';

const server = useOptimizerServer();

type Path = (string | number)[];

/** A path as a reader of the body writes it: `system.serverData.servers[3].currentAlloc.load`. */
function formatPath(path: Path): string {
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index ? `.${segment}` : segment))
    .join('');
}

/**
 * tiny's sample set as one body, with every optional field of the document present in the last entry of
 * each list, so that each field the document lists is in the body once at least.
 */
function completeBody() {
  const body = sampleSetBody('tiny');
  const system = body.system as {
    acceleratorData: Record<string, unknown>;
    serviceClassData: { serviceClasses: { modelTargets: Record<string, unknown>[] }[] };
    serverData: { servers: { currentAlloc: { load: Record<string, unknown> } }[] };
    optimizerData: unknown;
  };
  system.acceleratorData.count = [{ type: 'L4', count: 8 }];
  const targets = system.serviceClassData.serviceClasses.at(-1)!.modelTargets;
  targets[targets.length - 1] = { ...targets.at(-1), 'slo-tps': 0 };
  const servers = system.serverData.servers;
  const last = servers.at(-1)!;
  const load = { ...last.currentAlloc.load, arrivalCOV: 1, serviceCOV: 1 };
  const allocation = {
    accelerator: 'L4',
    numReplicas: 1,
    maxBatch: 8,
    cost: 6,
    itlAverage: 10,
    waitAverage: 5,
  };
  servers[servers.length - 1] = {
    ...last,
    keepAccelerator: false,
    minNumReplicas: 1,
    maxBatchSize: 16,
    currentAlloc: { ...allocation, load },
    desiredAlloc: { ...allocation, load: { ...load } },
  } as (typeof servers)[number];
  system.optimizerData = {
    optimizer: { unlimited: true, heterogeneous: false, milpSolver: false, useCplex: false },
  };
  return body;
}

/** Every field the document requires, and every field it types, found in `value` (the last item of each list). */
function fieldsOf(
  schema: SchemaObject,
  value: unknown,
  path: Path,
  found: { required: Path[]; typed: [Path, string][] },
) {
  const resolved = resolveSchema(schema);
  if (Array.isArray(value)) {
    if (resolved.items && value.length > 0)
      fieldsOf(resolved.items, value.at(-1), [...path, value.length - 1], found);
    return found;
  }
  if (typeof value !== 'object' || value === null) return found;
  for (const name of resolved.required ?? []) if (name in value) found.required.push([...path, name]);
  for (const [name, property] of Object.entries(resolved.properties ?? {})) {
    if (!(name in value)) continue;
    const type = resolveSchema(property).type ?? (resolveSchema(property).properties ? 'object' : undefined);
    if (type) found.typed.push([[...path, name], type]);
    fieldsOf(property, (value as Record<string, unknown>)[name], [...path, name], found);
  }
  return found;
}

function edit(
  body: unknown,
  path: Path,
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
) {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  change(parent, path.at(-1)!);
  return copy;
}

const wrongValue: Record<string, unknown> = {
  string: 42,
  number: '7',
  integer: '7',
  boolean: 'yes',
  array: {},
  object: [],
};

const body = completeBody();
const fields = fieldsOf({ $ref: '#/components/schemas/SystemData' }, body, [], { required: [], typed: [] });

describe('a body the server cannot read is a 400 that says why and where', () => {
  test('the complete body conforms to the document and is accepted', async () => {
    expect(schemaErrors('SystemData', body)).toEqual([]);
    expect((await server.post('/optimizeOne', body)).status).toBe(200);
    // The walk below covers every kind of entity, nested lists included.
    expect(fields.required.length).toBeGreaterThanOrEqual(25);
    expect(fields.typed.length).toBeGreaterThanOrEqual(60);
  });

  test.each([
    '',
    '{"system": {',
    'system: {}',
    '{"system": {"acceleratorData": }}',
    '{"system": {}} trailing',
  ])('malformed JSON %j: 400 invalid-json', async (text) => {
    const { status, body: error } = await server.post<ErrorBody>('/optimizeOne', text);
    expect(status).toBe(400);
    expect(error.code).toBe('invalid-json');
    expect(error.message).toContain('Invalid JSON in request body');
    expect(error.hint).toContain('system-data.json');
  });

  test('a syntax error with a position is located by line and column', async () => {
    const { body: error } = await server.post<ErrorBody>(
      '/optimizeOne',
      '{\n  "system": {\n    "acceleratorData" {}\n}',
    );
    expect(error.location).toBe('request body:3:23');
  });

  test('JSON that is not an object: 400 invalid-field', async () => {
    for (const text of ['[]', '42', '"system"', 'null']) {
      const { status, body: error } = await server.post<ErrorBody>('/optimizeOne', text);
      expect([status, error.code], text).toEqual([400, 'invalid-field']);
    }
  });

  test.each(
    fields.required.map((path) => [formatPath(path), path] as const),
  )('missing %s: 400 naming it', async (name, path) => {
    const { status, body: error } = await server.post<ErrorBody>(
      '/optimizeOne',
      edit(body, path, (parent, key) => {
        if (Array.isArray(parent)) throw new Error('a required field is a property');
        delete parent[key];
      }),
    );
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 'invalid-field', field: name });
    expect(error.message).toContain(`${name} `);
  });

  test.each(
    fields.typed.map(([path, type]) => [formatPath(path), type, path] as const),
  )('%s of the wrong type (not a %s): 400 naming it', async (name, type, path) => {
    const { status, body: error } = await server.post<ErrorBody>(
      '/optimizeOne',
      edit(body, path, (parent, key) => {
        parent[key] = wrongValue[type];
      }),
    );
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 'invalid-field', field: name });
    expect(error.message).toContain(name);
  });

  test('a value out of range is named with its line and column in the body as sent', async () => {
    const edited = edit(
      body,
      ['system', 'serverData', 'servers', 2, 'currentAlloc', 'load', 'arrivalRate'],
      (parent, key) => {
        parent[key] = -5;
      },
    );
    const text = JSON.stringify(edited, null, 2);
    const lines = text.split('\n');
    const line = lines.findIndex((candidate) => candidate.includes('"arrivalRate": -5'));

    const { status, body: error } = await server.post<ErrorBody>('/optimizeOne', text);

    expect(status).toBe(400);
    expect(error.field).toBe('system.serverData.servers[2].currentAlloc.load.arrivalRate');
    expect(error.message).toContain('must be at least 0, not -5');
    expect(error.location).toBe(`request body:${line + 1}:${lines[line]!.indexOf('-5') + 1}`);
  });

  test('a repeated server name is named at the repetition', async () => {
    const edited = edit(body, ['system', 'serverData', 'servers', 3, 'name'], (parent, key) => {
      parent[key] = (body.system.serverData as { servers: { name: string }[] }).servers[0]!.name;
    });
    const { status, body: error } = await server.post<ErrorBody>('/optimizeOne', edited);
    expect(status).toBe(400);
    expect(error.field).toBe('system.serverData.servers[3].name');
    expect(error.message).toContain('repeats server');
  });

  test('every error answer conforms to the document’s Error schema', async () => {
    const answers = [
      await server.post('/optimizeOne', '{'),
      await server.post('/optimizeOne', { system: {} }),
      await server.post('/optimizeOne?mode=quick', body),
      await server.get('/getServer/nobody'),
      await server.get('/nowhere'),
    ];
    for (const answer of answers) expect(schemaErrors('Error', answer.body)).toEqual([]);
    expect(Object.keys(componentSchemas)).toContain('Error');
  });
});

describe('other refusals', () => {
  test('a body over the size limit is a 413', async () => {
    const app = createOptimizerServerApp({ maxBodyBytes: 1000 });
    const response = await app.request('/optimizeOne', { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'payload-too-large' });
  });

  test('an unknown route or method is a 404 that points at the document', async () => {
    for (const answer of [await server.get('/optimize'), await server.get('/optimizeOne')]) {
      expect(answer).toMatchObject({
        status: 404,
        body: { code: 'not-found', hint: expect.stringContaining('/openapi.json') },
      });
    }
  });
});
