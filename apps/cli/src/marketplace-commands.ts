import type { Command } from 'commander';

/** Registers the GPU marketplace commands (deploy, leases, lease). */
export function registerMarketplaceCommands(_program: Command): void {}
