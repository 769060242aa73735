import { readFileSync } from 'node:fs';

/** Where the OpenAPI document ships: exported as `@icl/optimizer-server/openapi.json`. */
export const openApiDocumentUrl = new URL('../openapi/optimizer-server.openapi.json', import.meta.url);

/**
 * The OpenAPI 3.1 document of the server's routes and schemas, served at `GET /openapi.json`. It is read
 * from the file the package ships, so what clients download and what code generators read are one text.
 */
export function readOpenApiDocument(): Record<string, unknown> {
  return JSON.parse(readFileSync(openApiDocumentUrl, 'utf8')) as Record<string, unknown>;
}
