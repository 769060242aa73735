import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { infernoCustomResourceDefinitions, type JsonSchema } from '../src/index';
import { infernoFixtures } from './inferno-fixtures';

/** A schema without its `description`s, which say nothing the API server checks. */
function withoutDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDescriptions);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema)
        .filter(([key]) => key !== 'description')
        .map(([key, value]) => [key, withoutDescriptions(value)]),
    );
  }
  return schema;
}

describe("the controller's CRDs", () => {
  test("serve Inferno's spec schemas field for field, and add only conditions to its statuses", async () => {
    const directory = `${infernoFixtures}controller-crd/bases`;
    const inferno = await Promise.all(
      (await readdir(directory))
        .sort()
        .map(async (name) => parse(await readFile(`${directory}/${name}`, 'utf8'))),
    );
    const ours = infernoCustomResourceDefinitions();
    expect(ours.map((definition) => definition.metadata?.name).sort()).toEqual(
      inferno.map((definition) => definition.metadata.name).sort(),
    );
    for (const theirs of inferno) {
      const mine = ours.find((definition) => definition.metadata?.name === theirs.metadata.name)!;
      const [theirVersion] = theirs.spec.versions;
      const [myVersion] = mine.spec.versions;
      expect(mine.spec.names).toEqual(theirs.spec.names);
      expect(mine.spec.scope).toBe(theirs.spec.scope);
      expect(myVersion!.name).toBe(theirVersion.name);
      expect(myVersion!.subresources).toEqual(theirVersion.subresources);
      const theirSchema = withoutDescriptions(theirVersion.schema.openAPIV3Schema) as JsonSchema;
      const mySchema = myVersion!.schema.openAPIV3Schema as { properties: Record<string, JsonSchema> };
      const theirProperties = theirSchema.properties as Record<string, JsonSchema>;
      expect(mySchema.properties.spec, theirs.metadata.name).toEqual(theirProperties.spec);
      const { conditions, ...status } = mySchema.properties.status!.properties as Record<string, JsonSchema>;
      expect({ ...mySchema.properties.status, properties: status }).toEqual(theirProperties.status);
      expect(conditions).toMatchObject({ type: 'array', 'x-kubernetes-list-map-keys': ['type'] });
    }
  });
});
