/**
 * `@icl/plugin-marketplace`: ICL on a GPU marketplace, the tenant side.
 *
 * ```ts
 * import { readDeployManifest } from '@icl/manifest';
 * import { createMarketplaceClient } from '@icl/plugin-marketplace';
 *
 * const market = await createMarketplaceClient({ orderBook: 'http://127.0.0.1:8420' }, stateDirectory);
 * const { leases } = await market.deploy(await readDeployManifest('deploy.yaml'));
 * console.log(leases[0].uris);
 * await market.closeLease(leases[0].lease.id);   // escrow not yet spent comes back
 * ```
 *
 * The backend `market` (`--on market:NAME`) runs single programs as one-service leases
 * (`icl run train.py --on market:local`) and lists the market's providers as its inventory. The
 * protocol the order book and providers speak is exported from `@icl/plugin-marketplace/protocol`.
 */
export { createMarketBackend } from './market-backend';
export { MarketRunDriver, type MarketRunRecord } from './market-run-driver';
export {
  createMarketplaceClient,
  type DeployedLease,
  type Deployment,
  type DeployOptions,
  MarketplaceClient,
} from './marketplace-client';
export { MarketplaceRequestError } from './marketplace-request-error';
export {
  type MarketplaceSettings,
  type MarketRunSettings,
  type ResolvedMarketplaceSettings,
  resolveMarketplaceSettings,
} from './marketplace-settings';
export { NoQualifyingProviderError } from './no-qualifying-provider-error';
export type * from './order-book-records';
export type * from './provider-records';
