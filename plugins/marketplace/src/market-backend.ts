import { createRunBackend } from '@icl/backend-kit';
import type { BackendContextV1, BackendV1, JsonObject } from '@icl/core';
import { MarketRunDriver } from './market-run-driver';

/**
 * Creates the `market` backend (the factory the package.json marker names): single programs leased
 * from the market's providers (see {@link MarketRunDriver}), and the providers as its inventory, so
 * `icl infra ls` shows them. Deployments of several services go through `icl deploy` and
 * `MarketplaceClient`.
 */
export function createMarketBackend(settings: JsonObject, context: BackendContextV1): BackendV1 {
  return createRunBackend(new MarketRunDriver(settings, context.stateDirectory), {
    stateDirectory: context.stateDirectory,
  });
}
