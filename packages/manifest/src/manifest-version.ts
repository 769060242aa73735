/**
 * The versions of the deploy manifest this package reads. `1.0` is ICL's `deploy.yaml`, the dialect of
 * Spheron's Infrastructure Composition Language (lease duration, mode, provider tiers, token prices);
 * `2.0` and `2.1` are Akash's SDL, read with the same rules as Akash's reference parser.
 */
export type ManifestVersion = '1.0' | '2.0' | '2.1';

/** Every version this package reads. */
export const manifestVersions: readonly ManifestVersion[] = ['1.0', '2.0', '2.1'];

/** Which family a version belongs to: `icl` (Spheron's dialect) or `akash` (SDL). */
export type ManifestDialect = 'icl' | 'akash';

/** The dialect of a version. */
export function dialectOf(version: ManifestVersion): ManifestDialect {
  return version === '1.0' ? 'icl' : 'akash';
}

/**
 * Where an ICL 1.0 deployment runs: `provider` (data-centre providers, HTTP ingress on ports 80/443)
 * or `fizz` (consumer-grade fizz nodes: no ingress, port ranges allowed). Akash SDLs are always
 * `provider`.
 */
export type DeploymentMode = 'provider' | 'fizz';
