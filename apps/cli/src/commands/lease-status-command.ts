import { printJson, writeOutput } from '../write-output';
import { trimAmount } from './leases-command';
import { openMarket } from './open-market';

/** The flags of `icl lease status`. */
export interface LeaseStatusCommandOptions {
  on?: string;
  json?: boolean;
}

/** `icl lease status <id>`: the lease at the order book and its services on the provider. */
export async function leaseStatusCommand(id: string, options: LeaseStatusCommandOptions): Promise<number> {
  const market = await openMarket(options.on);
  const lease = await market.lease(id);
  const status = lease.state === 'active' ? (await market.leaseStatus(lease.id)).status : undefined;
  if (options.json) {
    await printJson({ lease, status });
    return 0;
  }
  const lines = [
    `Lease:      ${lease.id} (${lease.state === 'active' ? 'active' : (lease.end ?? 'closed')})`,
    `Placement:  ${lease.placement} of ${lease.deployment}`,
    `Provider:   ${lease.provider} (${lease.providerUri})`,
    `Price:      ${trimAmount(lease.price.amount)} ${lease.price.denom}/hour`,
    `Started:    ${lease.createdAt}`,
    lease.state === 'active' ? `Expires:    ${lease.expiresAt}` : `Closed:     ${lease.closedAt}`,
    `Escrow:     ${trimAmount(lease.escrow.spent)} spent of ${trimAmount(lease.escrow.deposited)} ${lease.escrow.denom}${lease.state === 'closed' ? `, ${trimAmount(lease.escrow.returned)} returned` : ''}`,
  ];
  if (status) {
    lines.push(`Services:   ${status.state}${status.reason ? ` (${status.reason})` : ''}`);
    for (const service of status.services) {
      for (const replica of service.replicas) {
        lines.push(
          `  ${service.name}[${replica.index}] ${replica.status}${replica.reason ? ` (${replica.reason})` : ''}`,
        );
        for (const endpoint of replica.endpoints) lines.push(`    ${endpoint.port} → ${endpoint.url}`);
      }
    }
  }
  await writeOutput(process.stdout, `${lines.join('\n')}\n`);
  return 0;
}
