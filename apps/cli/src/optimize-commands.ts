import type { Command } from 'commander';
import { action } from './command-action';
import { examples } from './help-examples';

/** Registers `icl optimize`, the GPU allocation optimizer. */
export function registerOptimizeCommand(program: Command): void {
  program
    .command('optimize')
    .description(
      'Choose the accelerator and replicas of each inference server that meet its latency targets at the lowest cost, within the capacity.',
    )
    .requiredOption(
      '--dir <directory>',
      "Inferno data: its *-data.json sample files, a system-data.json, or the controller's YAML custom resources",
    )
    .option(
      '--mode <mode>',
      'unlimited (ignore capacity), greedy (fast) or exact (MILP, proven optimal); default from optimizer-data.json',
    )
    .option(
      '--max-replicas <count>',
      'the most replicas a server may have; an accelerator needing more is left out for it (default 1000)',
    )
    .option('--json', "print Inferno's solution-data.json, with ICL's explanations of the servers left out")
    .addHelpText(
      'after',
      examples([
        '$ icl optimize --dir inferno/large                 # as optimizer-data.json says',
        '$ icl optimize --dir inferno/large --mode exact    # capacity-limited, proven optimal',
        '$ icl optimize --dir crs/ --mode greedy --json > solution-data.json',
        '',
        'Servers of more important service classes (lower priority numbers) are placed first.',
      ]),
    )
    .action(
      action(async (options) => (await import('./commands/optimize-command')).optimizeCommand(options)),
    );
}
