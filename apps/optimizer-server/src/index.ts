/**
 * `@icl/optimizer-server`: the GPU allocation optimizer of `@icl/optimizer` behind a REST API compatible
 * with the Inferno optimizer's stateless server. `POST /optimizeOne` takes Inferno's `system-data.json`
 * and answers its `solution-data.json` with ICL's explanations; the `GET /get…` endpoints return the
 * entities of the last system posted; `GET /openapi.json` describes every route. The `icl-optimizer-server`
 * command runs it.
 */
export { type ErrorBody, type ErrorCode, HttpError } from './http-error';
export { LoadedSystem } from './loaded-system';
export { openApiDocumentUrl, readOpenApiDocument } from './openapi-document';
export {
  maximumTimeLimitMilliseconds,
  type OptimizeOneQuery,
  optimizeSystem,
  readSolveRequest,
  readSystemData,
  type SolveRequest,
} from './optimize-one';
export {
  createOptimizerServerApp,
  defaultMaxBodyBytes,
  type OptimizerServerAppOptions,
} from './optimizer-server-app';
export { defaultOptimizerServerPort, type OptimizerServerSettings } from './optimizer-server-settings';
export { type RunningOptimizerServer, startOptimizerServer } from './start-optimizer-server';
