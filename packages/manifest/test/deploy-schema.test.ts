import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { deployManifestSchemaPath } from '../src/index';
import { fixturesRoot, loadFixtureCorpus } from './fixture-corpus';

const schema = JSON.parse(readFileSync(deployManifestSchemaPath, 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const corpus = loadFixtureCorpus();
const examplesDirectory = new URL('../examples/', import.meta.url);

function document(path: string): unknown {
  return parseYaml(readFileSync(path, 'utf8'), { merge: true });
}

/** The value at a path of nested objects and arrays (array indexes as strings). */
function at(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>(
    (current, key) => (current as Record<string, unknown> | undefined)?.[key],
    value,
  );
}

function errors(value: unknown): string[] {
  return validate(value)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

describe('the editor schema (schema/deploy.schema.json)', () => {
  it('is the file the package exports', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.exports['./deploy.schema.json']).toBe('./schema/deploy.schema.json');
    expect(manifest.files).toContain('schema');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it.each(corpus.valid.map((input) => [input.path]))('accepts the valid fixture %s', (path) => {
    expect(errors(document(join(fixturesRoot, path)))).toEqual([]);
  });

  it.each(readdirSync(examplesDirectory).map((name) => [name]))('accepts examples/%s', (name) => {
    expect(errors(document(new URL(name, examplesDirectory).pathname))).toEqual([]);
  });

  it.each([
    'unknown-field',
    'missing-version',
    'invalid-version',
    'invalid-protocol',
    'port-zero',
    'port-too-high',
    'count-zero',
    'missing-image',
    'empty-image',
    'invalid-endpoint-name',
    'invalid-denom',
    'invalid-gpu-vendor',
    'reclamation-compound-window',
    'missing-memory-size',
  ])('flags the shape error of the invalid fixture %s', (name) => {
    const input = corpus.invalid.find((candidate) => candidate.name === name)!;
    expect(errors(document(join(fixturesRoot, input.path))).length).toBeGreaterThan(0);
  });

  it('flags dialect mistakes: a token price in an Akash SDL, an Akash denom in ICL 1.0', () => {
    const base = document(new URL('gpu-inference.yaml', examplesDirectory).pathname);
    const akash = structuredClone(base) as {
      version: string;
      profiles: Record<string, unknown>;
      services: { llm: Record<string, unknown> };
    };
    akash.version = '2.1';
    for (const key of ['name', 'duration', 'mode', 'tiers']) delete akash.profiles[key];
    delete akash.services.llm.pull_policy;
    expect(errors(akash).join('\n')).toMatch(/must have required property 'denom'/);
    const icl = structuredClone(base);
    const pricing = at(icl, 'profiles', 'placement', 'north-america', 'pricing') as Record<string, unknown>;
    pricing.llm = { denom: 'uakt', amount: 1 };
    expect(errors(icl).join('\n')).toMatch(/must have required property 'token'/);
  });

  it('offers the same values as Akash’s input schema where the formats agree', () => {
    const akash = parseYaml(readFileSync(join(fixturesRoot, 'spec/akash-sdl-input.schema.yaml'), 'utf8'));
    const akashService = ['properties', 'services', 'additionalProperties', 'properties'];
    expect(
      at(
        schema,
        'definitions',
        'expose',
        'properties',
        'http_options',
        'properties',
        'next_cases',
        'items',
        'enum',
      ),
    ).toEqual(at(akash, 'definitions', 'httpErrorCode', 'enum'));
    expect(at(schema, 'definitions', 'expose', 'properties', 'proto', 'enum')).toEqual(
      at(akash, ...akashService, 'expose', 'oneOf', '0', 'items', 'properties', 'proto', 'enum'),
    );
    expect(at(schema, 'definitions', 'service', 'properties', 'params', 'properties', 'tee', 'enum')).toEqual(
      at(akash, ...akashService, 'params', 'properties', 'tee', 'enum'),
    );
    expect(at(schema, 'properties', 'reclamation', 'properties', 'min_window', 'pattern')).toBe(
      at(akash, 'properties', 'reclamation', 'properties', 'min_window', 'pattern'),
    );
    expect(Object.keys(at(akash, 'properties', 'endpoints', 'patternProperties') as object)).toEqual([
      at(schema, 'properties', 'endpoints', 'propertyNames', 'pattern'),
    ]);
  });
});
