import { formatTable } from '../format-table';
import { printJson, writeOutput } from '../write-output';
import { openMarket } from './open-market';

/** The flags of `icl leases`. */
export interface LeasesCommandOptions {
  on?: string;
  active?: boolean;
  json?: boolean;
}

/** `icl leases`: the tenant's leases on a market, oldest first. */
export async function leasesCommand(options: LeasesCommandOptions): Promise<number> {
  const market = await openMarket(options.on);
  const leases = await market.leases(options.active ? 'active' : undefined);
  if (options.json) {
    await printJson(leases);
    return 0;
  }
  if (leases.length === 0) {
    await writeOutput(
      process.stdout,
      'No leases yet. Deploy with `icl deploy deploy.yaml --on market:NAME`.\n',
    );
    return 0;
  }
  const rows = leases.map((lease) => [
    lease.id,
    lease.state === 'active' ? 'active' : (lease.end ?? 'closed'),
    lease.placement,
    lease.provider,
    `${trimAmount(lease.price.amount)} ${lease.price.denom}/h`,
    lease.state === 'active' ? lease.expiresAt : (lease.closedAt ?? ''),
    `${trimAmount(lease.escrow.spent)}/${trimAmount(lease.escrow.deposited)}`,
  ]);
  await writeOutput(
    process.stdout,
    formatTable(['LEASE', 'STATE', 'PLACEMENT', 'PROVIDER', 'PRICE', 'UNTIL', 'SPENT/ESCROW'], rows),
  );
  return 0;
}

/** `2.500000000000000000` → `2.5`. */
export function trimAmount(amount: string): string {
  return amount.includes('.') ? amount.replace(/0+$/, '').replace(/\.$/, '') : amount;
}
