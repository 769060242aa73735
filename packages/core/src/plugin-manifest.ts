/**
 * The marker a plugin puts in its package.json under the `icl` key, so the CLI finds installed plugins
 * without importing them:
 *
 * ```json
 * { "icl": { "backend": { "name": "docker", "factory": "createDockerBackend", "specificationVersion": "v1" } } }
 * ```
 *
 * A plugin that can also provision things names the resource types it provides to the plan/apply
 * engine, each with the exported function that returns its provider:
 *
 * ```json
 * { "icl": { "backend": { … }, "resourceProviders": { "kind:Cluster": "kindClusterProvider" } } }
 * ```
 *
 * The CLI imports the package only when the backend or one of its resource types is used, so installed
 * plugins cost nothing at start-up.
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
  /**
   * Resource types the package provides to the plan/apply engine (`kind:Cluster`), each mapped to the
   * name of an exported function that takes no arguments and returns its `ResourceProviderV1`.
   */
  resourceProviders?: Record<string, string>;
}
