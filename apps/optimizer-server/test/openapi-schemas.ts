import Ajv2020 from 'ajv/dist/2020';
import { readOpenApiDocument } from '../src/index';

/** A JSON Schema object of the OpenAPI document, loosely typed for walking. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  allOf?: SchemaObject[];
}

const document = readOpenApiDocument() as { components: { schemas: Record<string, SchemaObject> } };

/** The document's component schemas. */
export const componentSchemas = document.components.schemas;

/** A component schema with its `$ref` and `allOf` resolved into one object of properties and required names. */
export function resolveSchema(schema: SchemaObject): SchemaObject {
  if (schema.$ref) return resolveSchema(componentSchemas[schema.$ref.replace('#/components/schemas/', '')]!);
  if (!schema.allOf) return schema;
  const parts = schema.allOf.map(resolveSchema);
  return {
    type: 'object',
    required: parts.flatMap((part) => part.required ?? []),
    properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
  };
}

const ajv = new Ajv2020({ allErrors: true });
// OpenAPI 3.1 schemas are JSON Schema 2020-12; their references point into the document's components.
ajv.addSchema(
  JSON.parse(
    JSON.stringify({ $id: 'optimizer-server', $defs: componentSchemas }).replaceAll(
      '#/components/schemas/',
      '#/$defs/',
    ),
  ),
);

/** The problems of `value` against the document's schema `name`, empty when it conforms. */
export function schemaErrors(name: string, value: unknown): string[] {
  const validate = ajv.getSchema(`optimizer-server#/$defs/${name}`);
  if (!validate) throw new Error(`The OpenAPI document has no schema ${name}.`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(top)'} ${error.message}`);
}

/** Compiles every component schema (ajv, strict: unknown keywords and malformed schemas throw). */
export function compileEverySchema(): string[] {
  return Object.keys(componentSchemas).filter((name) => ajv.getSchema(`optimizer-server#/$defs/${name}`));
}
