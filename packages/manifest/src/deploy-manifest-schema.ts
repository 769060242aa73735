import { fileURLToPath } from 'node:url';

/**
 * Where the JSON Schema of `deploy.yaml` lives on disk, for editors and tools that load schemas by
 * path. Editors can also point at it from the file itself:
 * `# yaml-language-server: $schema=<path or URL of deploy.schema.json>`. The package exports the file
 * as `@icl/manifest/deploy.schema.json`.
 *
 * The schema describes the shape (fields, types, allowed values) for completion and early squiggles;
 * the parser checks everything else (references, limits, ports per endpoint).
 */
export const deployManifestSchemaPath: string = fileURLToPath(
  new URL('../schema/deploy.schema.json', import.meta.url),
);
