import { printJson, writeOutput } from '../write-output';
import { trimAmount } from './leases-command';
import { openMarket } from './open-market';

/** The flags of `icl lease close`. */
export interface LeaseCloseCommandOptions {
  on?: string;
  json?: boolean;
}

/** `icl lease close <id>`: stops the services and settles the escrow; prints what was spent and returned. */
export async function leaseCloseCommand(id: string, options: LeaseCloseCommandOptions): Promise<number> {
  const market = await openMarket(options.on);
  const lease = await market.closeLease(id);
  if (options.json) {
    await printJson(lease);
    return 0;
  }
  const { escrow } = lease;
  await writeOutput(
    process.stdout,
    `Closed lease ${lease.id}: ${trimAmount(escrow.spent)} ${escrow.denom} paid to ${lease.provider}, ${trimAmount(escrow.returned)} ${escrow.denom} of the ${trimAmount(escrow.deposited)} escrow returned.\n`,
  );
  return 0;
}
