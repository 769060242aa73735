import { printJson, writeOutput } from '../write-output';
import { openMarket } from './open-market';

/** The flags of `icl lease update`. */
export interface LeaseUpdateCommandOptions {
  on?: string;
  json?: boolean;
}

/**
 * `icl lease update <id> <file>`: sends the lease's placement of a changed manifest to its provider,
 * which replaces the services, and waits until they answer.
 */
export async function leaseUpdateCommand(
  id: string,
  file: string,
  options: LeaseUpdateCommandOptions,
): Promise<number> {
  const [{ readDeployManifest }, market] = await Promise.all([
    import('@icl/manifest'),
    openMarket(options.on),
  ]);
  const status = await market.updateLease(id, await readDeployManifest(file));
  if (options.json) {
    await printJson(status);
    return 0;
  }
  const lines = [`Updated lease ${status.leaseId}: ${status.state}`];
  for (const service of status.services)
    for (const uri of service.uris) lines.push(`  ${service.name}: ${uri}`);
  await writeOutput(process.stdout, `${lines.join('\n')}\n`);
  return 0;
}
