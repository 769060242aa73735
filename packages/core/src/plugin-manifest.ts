/**
 * The marker a plugin puts in its package.json under the `icl` key, so the CLI finds installed plugins
 * without importing them:
 *
 * ```json
 * { "icl": { "backend": { "name": "docker", "factory": "createDockerBackend", "specificationVersion": "v1" } } }
 * ```
 *
 * The CLI imports the package only when the backend is used, so installed plugins cost nothing at
 * start-up.
 */
export interface PluginManifest {
  /** The backend the package provides. */
  backend: {
    /** The backend's name, as used with `--on` and in settings files. */
    name: string;
    /** The name of the exported factory (`createDockerBackend`). */
    factory: string;
    /** The backend contract version the factory's backends implement. */
    specificationVersion: string;
    /** One line for `icl plugins ls`. */
    description?: string;
  };
}
