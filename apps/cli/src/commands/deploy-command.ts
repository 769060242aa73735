import { NoQualifyingProviderError } from '@icl/plugin-marketplace';
import { usageExitCode } from '../report-error';
import { printJson, writeOutput } from '../write-output';
import { openMarket } from './open-market';

/** The flags of `icl deploy`. */
export interface DeployCommandOptions {
  on?: string;
  json?: boolean;
}

/**
 * `icl deploy <file> --on market:NAME`: places an order per placement, collects bids for the market's
 * window, leases from the cheapest qualifying provider, sends it the manifest and waits until the
 * services answer, then prints their URIs. Progress goes to stderr. When no provider can take a
 * placement, it prints every provider's reason and exits 2.
 */
export async function deployCommand(file: string, options: DeployCommandOptions): Promise<number> {
  const [{ readDeployManifest }, market] = await Promise.all([
    import('@icl/manifest'),
    openMarket(options.on),
  ]);
  const manifest = await readDeployManifest(file);
  let deployment: Awaited<ReturnType<typeof market.deploy>>;
  try {
    deployment = await market.deploy(manifest, {
      onProgress: (message) => process.stderr.write(`${message}\n`),
    });
  } catch (error) {
    if (NoQualifyingProviderError.isInstance(error)) {
      await writeOutput(process.stderr, `icl: ${error.message}\n  ${error.hint}\n`);
      return usageExitCode;
    }
    throw error;
  }
  if (options.json) {
    await printJson({
      deployment: deployment.deployment,
      leases: deployment.leases.map(({ lease, uris }) => ({
        id: lease.id,
        placement: lease.placement,
        provider: lease.provider,
        price: lease.price,
        expiresAt: lease.expiresAt,
        escrow: lease.escrow,
        uris,
      })),
    });
    return 0;
  }
  const lines = [`Deployed ${deployment.deployment}:`];
  for (const { lease, uris } of deployment.leases) {
    lines.push(
      `  lease ${lease.id} (${lease.placement}) on ${lease.provider} at ${lease.price.amount} ${lease.price.denom}/hour until ${lease.expiresAt}`,
    );
    for (const [service, serviceUris] of Object.entries(uris)) {
      for (const uri of serviceUris) lines.push(`    ${service}: ${uri}`);
    }
  }
  lines.push('', `Follow with \`icl lease logs <id> --follow\`; stop with \`icl lease close <id>\`.`);
  await writeOutput(process.stdout, `${lines.join('\n')}\n`);
  return 0;
}
