import { InvalidArgumentError } from '@icl/core';
import type { MarketplaceClient } from '@icl/plugin-marketplace';
import { createBackendContext, resolveInfrastructure } from '@icl/sdk';
import { createCliClient } from '../create-cli-client';

/**
 * The tenant client for the market `--on` names (`market:NAME`, or an infrastructure whose backend is
 * `market`), else the default infrastructure's when that is a market. The tenant key lives in the
 * market backend's state directory unless the settings name a `keyFile`.
 *
 * @throws InvalidArgumentError when the infrastructure is not a market.
 */
export async function openMarket(on: string | undefined): Promise<MarketplaceClient> {
  const icl = await createCliClient();
  try {
    const settings = await icl.settings();
    const backends = await icl.backendNames();
    const infrastructure = resolveInfrastructure(settings, on, backends);
    if (infrastructure.backend !== 'market') {
      throw new InvalidArgumentError({
        argument: '--on',
        message: `${infrastructure.name} is not a marketplace (its backend is ${infrastructure.backend}).`,
        hint: 'Name a market with --on market:NAME (markets are set under infrastructures.market.settings.markets).',
      });
    }
    const context = await createBackendContext(icl.directories, 'market');
    const { createMarketplaceClient } = await import('@icl/plugin-marketplace');
    return await createMarketplaceClient(infrastructure.settings ?? {}, context.stateDirectory);
  } finally {
    await icl.close();
  }
}
