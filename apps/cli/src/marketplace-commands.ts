import type { Command } from 'commander';
import { action } from './command-action';
import { examples } from './help-examples';

const onOption = [
  '--on <infrastructure>',
  'the market: market:NAME, or an infrastructure whose backend is market (default from settings)',
] as const;

/** Registers the GPU marketplace commands (deploy, leases, lease). */
export function registerMarketplaceCommands(program: Command): void {
  program
    .command('deploy')
    .description(
      'Deploy an ICL deploy.yaml on a GPU marketplace: order, bids, the cheapest qualifying provider, lease, manifest, service URIs.',
    )
    .argument('<file>', 'the deploy manifest (ICL deploy.yaml, version "1.0")')
    .option(...onOption)
    .option('--json', 'print the leases and URIs as JSON (progress goes to stderr)')
    .addHelpText(
      'after',
      examples([
        '$ icl deploy deploy.yaml --on market:spheron',
        '$ icl deploy deploy.yaml --on market:local --json | jq -r ".leases[0].uris.web[0]"',
        '',
        'Markets are set under infrastructures.market.settings.markets.NAME.orderBook in the settings file.',
        'A placement no provider can take fails with each provider and the reason it did not qualify.',
      ]),
    )
    .action(
      action(async (file: string, options) =>
        (await import('./commands/deploy-command')).deployCommand(file, options),
      ),
    );

  program
    .command('leases')
    .description('List your leases on a marketplace: provider, price, state, expiry and escrow.')
    .option(...onOption)
    .option('--active', 'only leases still running')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['$ icl leases --on market:spheron', '$ icl leases --active --json']))
    .action(action(async (options) => (await import('./commands/leases-command')).leasesCommand(options)));

  const lease = program
    .command('lease')
    .description('One lease on a marketplace: status, logs, events, update, close.')
    .addHelpText(
      'after',
      examples(['$ icl lease status l-3f2a', '$ icl lease logs l-3f2a --follow', '$ icl lease close l-3f2a']),
    );
  lease
    .command('status')
    .description("Show a lease: provider, price, escrow, and its services' replicas and URIs.")
    .argument('<id>', 'a lease id or a unique prefix of one')
    .option(...onOption)
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['$ icl lease status l-3f2a', '$ icl lease status l-3f2a --json']))
    .action(
      action(async (id: string, options) =>
        (await import('./commands/lease-status-command')).leaseStatusCommand(id, options),
      ),
    );
  lease
    .command('logs')
    .description(
      "Print the output of a lease's services, one line per chunk prefixed by service and replica.",
    )
    .argument('<id>', 'a lease id or a unique prefix of one')
    .option('-f, --follow', 'keep printing until the services end (Ctrl-C stops reading)')
    .option('--service <name>', 'only this service')
    .option(...onOption)
    .option('--json', 'print one {"service", "replica", "stream", "text"} line per chunk')
    .addHelpText(
      'after',
      examples(['$ icl lease logs l-3f2a', '$ icl lease logs l-3f2a --follow --service web']),
    )
    .action(
      action(async (id: string, options) =>
        (await import('./commands/lease-logs-command')).leaseLogsCommand(id, options),
      ),
    );
  lease
    .command('events')
    .description('Show what happened to a lease on its provider (manifest, services ready, restarts, end).')
    .argument('<id>', 'a lease id or a unique prefix of one')
    .option(...onOption)
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['$ icl lease events l-3f2a']))
    .action(
      action(async (id: string, options) =>
        (await import('./commands/lease-events-command')).leaseEventsCommand(id, options),
      ),
    );
  lease
    .command('update')
    .description("Send a changed manifest to a lease's provider (same resources); it replaces the services.")
    .argument('<id>', 'a lease id or a unique prefix of one')
    .argument('<file>', 'the deploy manifest the lease was deployed from, changed')
    .option(...onOption)
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['$ icl lease update l-3f2a deploy.yaml']))
    .action(
      action(async (id: string, file: string, options) =>
        (await import('./commands/lease-update-command')).leaseUpdateCommand(id, file, options),
      ),
    );
  lease
    .command('close')
    .description('Close a lease: its services stop and the escrow not spent comes back to you.')
    .argument('<id>', 'a lease id or a unique prefix of one')
    .option(...onOption)
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['$ icl lease close l-3f2a']))
    .action(
      action(async (id: string, options) =>
        (await import('./commands/lease-close-command')).leaseCloseCommand(id, options),
      ),
    );
}
