import type { DeploymentOrder } from './deployment-order';
import type { GroupSpec } from './group-spec';
import type { LeaseDuration } from './lease-duration';
import type { DeploymentMode, ManifestDialect, ManifestVersion } from './manifest-version';
import type { ManifestGroup } from './provider-manifest';

/**
 * A deploy manifest that passed every rule: the three views a marketplace works with, computed once.
 *
 * - `groupSpecs`: what the chain (or an order book) records, in the reference JSON shape.
 * - `manifest`: what the tenant sends to the provider that wins each group.
 * - `orders`: the same groups as matching data in plain numbers, plus ICL's tiers, mode, duration,
 *   token and placement steering.
 */
export interface DeployManifest {
  /** The file it was read from, or the name given for text. */
  readonly file: string;
  readonly version: ManifestVersion;
  readonly dialect: ManifestDialect;
  /** ICL 1.0 `profiles.name`: a label for the deployment. */
  readonly name: string | undefined;
  readonly mode: DeploymentMode;
  /** ICL 1.0 `profiles.duration`. */
  readonly duration: LeaseDuration | undefined;
  /** ICL 1.0 `profiles.tiers` as written (`secured`, `community-2`, …). */
  readonly tierNames: readonly string[];
  /** Provider tiers (1–7) allowed; all seven when none are named. */
  readonly tiers: readonly number[];
  /** SDL 2.x `reclamation.min_window` in seconds: the least notice a provider must give before reclaiming. */
  readonly reclamationWindowSeconds: number | undefined;
  readonly groupSpecs: readonly GroupSpec[];
  readonly manifest: readonly ManifestGroup[];
  readonly orders: readonly DeploymentOrder[];
}
