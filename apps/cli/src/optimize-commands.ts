import type { Command } from 'commander';

/** Registers `icl optimize`, the GPU allocation optimizer. */
export function registerOptimizeCommand(_program: Command): void {}
