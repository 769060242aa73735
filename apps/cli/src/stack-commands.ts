import type { Command } from 'commander';
import { action } from './command-action';
import { examples } from './help-examples';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const fileOption = [
  '-f, --file <file>',
  'the stack file (default: icl-stack.yaml, .yml, .json, .ts, .js here)',
] as const;
const stackOption = ['--stack <name>', 'a recorded stack, when there is no stack file at hand'] as const;
const targetOption = [
  '--target <resource>',
  'only this resource and what it depends on (repeatable)',
] as const;

/** Registers the infrastructure-as-code commands (plan, apply, destroy, refresh, import, state, stack). */
export function registerStackCommands(program: Command): void {
  program
    .command('plan')
    .description('Show what `icl apply` would change, and what changed outside ICL. Changes nothing.')
    .option(...fileOption)
    .option(...targetOption, collect)
    .option('--no-refresh', 'trust the recorded state instead of reading every resource first')
    .option('--json', 'print the plan as JSON')
    .addHelpText(
      'after',
      examples([
        '$ icl plan                        # reads ./icl-stack.yaml',
        '$ icl plan -f infra/gpu-lab.yaml --target cluster',
        '$ icl plan --json | jq .summary',
        '',
        'Marks: + create, ~ update in place, ± replace, - delete. State: $ICL_STATE_DIR/stacks/<stack>/.',
      ]),
    )
    .action(action(async (options) => (await import('./commands/plan-command')).planCommand(options)));

  program
    .command('apply')
    .description('Show the plan, ask, then make the real resources match the stack.')
    .option(...fileOption)
    .option(...targetOption, collect)
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--no-refresh', 'trust the recorded state instead of reading every resource first')
    .option('--concurrency <count>', 'provider operations at once (default 10)')
    .option('--json', 'print the plan and the result as JSON on stdout (progress on stderr)')
    .addHelpText(
      'after',
      examples([
        '$ icl apply',
        '$ icl apply -f icl-stack.json --yes    # in scripts and CI',
        '$ icl apply --target config            # config and what it depends on',
        '',
        'A crash or kill at any point is safe: the next apply adopts or drops what was in flight.',
        'Secret outputs are encrypted in state with ICL_STATE_PASSPHRASE, else a key file next to the settings.',
      ]),
    )
    .action(action(async (options) => (await import('./commands/apply-command')).applyCommand(options)));

  program
    .command('destroy')
    .description("Show what will be deleted, ask, then delete the stack's resources, dependents first.")
    .option(...fileOption)
    .option(...stackOption)
    .option('--target <resource>', 'only this resource and what depends on it (repeatable)', collect)
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--no-refresh', 'trust the recorded state instead of reading every resource first')
    .option('--concurrency <count>', 'provider operations at once (default 10)')
    .option('--json', 'print the plan and the result as JSON on stdout (progress on stderr)')
    .addHelpText('after', examples(['$ icl destroy', '$ icl destroy --stack demo --yes']))
    .action(action(async (options) => (await import('./commands/destroy-command')).destroyCommand(options)));

  program
    .command('refresh')
    .description('Read every recorded resource and record what changed outside ICL (drift).')
    .option(...fileOption)
    .option(...stackOption)
    .option('--json', 'print the drift as JSON')
    .addHelpText('after', examples(['$ icl refresh', '$ icl refresh --stack demo --json']))
    .action(action(async (options) => (await import('./commands/refresh-command')).refreshCommand(options)));

  program
    .command('import')
    .description('Start managing something that exists already, as a resource the stack declares.')
    .argument('<resource>', 'the resource name in the stack')
    .argument('<id>', "the provider's id of what exists (for files and directories: the path)")
    .option(...fileOption)
    .option('--json', 'print the recorded resource as JSON')
    .addHelpText('after', examples(['$ icl import config ./build/config.json && icl plan']))
    .action(
      action(async (resource: string, id: string, options) =>
        (await import('./commands/import-command')).importCommand(resource, id, options),
      ),
    );

  const state = program
    .command('state')
    .description("A stack's recorded state: ls, show, rm (stop managing) a resource; unlock; restore.")
    .addHelpText(
      'after',
      examples([
        '$ icl state ls',
        '$ icl state show config',
        '$ icl state rm legacy-bucket',
        '$ icl state unlock demo',
        '$ icl state restore demo',
      ]),
    );
  state
    .command('ls')
    .alias('list')
    .description('List the resources the state records.')
    .option(...fileOption)
    .option(...stackOption)
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['$ icl state ls', '$ icl state ls --stack demo --json']))
    .action(
      action(async (options) => (await import('./commands/state-list-command')).stateListCommand(options)),
    );
  state
    .command('show')
    .description('Show everything recorded about one resource (secrets masked).')
    .argument('<resource>', 'the resource name')
    .option(...fileOption)
    .option(...stackOption)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(['$ icl state show config', '$ icl state show config --stack demo --json']),
    )
    .action(
      action(async (resource: string, options) =>
        (await import('./commands/state-show-command')).stateShowCommand(resource, options),
      ),
    );
  state
    .command('rm')
    .description('Stop managing a resource; what exists of it is left alone.')
    .argument('<resource>', 'the resource name')
    .option(...fileOption)
    .option(...stackOption)
    .addHelpText('after', examples(['$ icl state rm legacy-bucket']))
    .action(
      action(async (resource: string, options) =>
        (await import('./commands/state-remove-command')).stateRemoveCommand(resource, options),
      ),
    );
  state
    .command('unlock')
    .description("Remove a stack's lock, when its holder is gone for good.")
    .argument('<stack>', 'the stack name')
    .addHelpText(
      'after',
      examples([
        '$ icl state unlock demo',
        '',
        'A lock left by a dead process on this host is taken over without this.',
      ]),
    )
    .action(
      action(async (stack: string) =>
        (await import('./commands/state-unlock-command')).stateUnlockCommand(stack),
      ),
    );

  state
    .command('restore')
    .description("Rebuild a damaged stack's state from the previous generation ICL keeps.")
    .argument('<stack>', 'the stack name')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples([
        '$ icl state restore demo',
        '',
        'Replays the backup snapshot and every journal after it while their changes follow on intact, writes',
        'the result as the new state, and moves the files it replaces to a damaged-<time> folder.',
      ]),
    )
    .action(
      action(async (stack: string, options) =>
        (await import('./commands/state-restore-command')).stateRestoreCommand(stack, options),
      ),
    );

  const stack = program
    .command('stack')
    .description('Stacks: named sets of resources applied together.')
    .addHelpText('after', examples(['$ icl stack ls']));
  stack
    .command('ls')
    .alias('list')
    .description('List the stacks with recorded state.')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['$ icl stack ls', '$ icl stack ls --json']))
    .action(
      action(async (options) => (await import('./commands/stack-list-command')).stackListCommand(options)),
    );
}
