/**
 * `@icl/plugin-local`: the embedded default backend. Programs run as local processes in an isolated
 * working directory, with Python venvs and Node packages built once per runtime and reused.
 */
export { createLocalBackend } from './create-local-backend';
export type { LocalBackendSettings } from './local-backend-settings';
