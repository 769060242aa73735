/**
 * `@icl/provider`: a GPU marketplace provider daemon. It declares its region, tier, GPUs and prices,
 * bids on the orders it can host, runs leased services on its Docker daemon through
 * `@icl/plugin-docker`, serves status, events and logs to each lease's tenant only, ends leases at
 * expiry, and re-adopts its containers after a restart.
 */
export { freeCapacity } from './provider-capacity';
export { ProviderDaemon } from './provider-daemon';
export {
  checkProviderSettings,
  type DeclaredNode,
  type ProviderSettings,
  readProviderSettings,
} from './provider-settings';
export { type RunningProvider, startProvider } from './start-provider';
