import * as nodeModule from 'node:module';
import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { action } from './command-action';
import { registerControllerCommands } from './controller-commands';
import { examples } from './help-examples';
import { registerMarketplaceCommands } from './marketplace-commands';
import { registerOptimizeCommand } from './optimize-commands';
import { registerStackCommands } from './stack-commands';

// Start-up speed matters (`icl run` is measured against bare `python3`): this file loads only
// commander. Each command imports what it needs when it runs. Where Node.js has a compile cache
// (22.1 and later), the modules loaded from here on are compiled once and reused.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const collect = (value: string, previous: string[] = []) => [...previous, value];

const program = new Command('icl')
  .description('Run the program you are writing on any infrastructure: locally first, then anywhere.')
  .version(packageJson.version, '-v, --version', 'print the version')
  .helpOption('-h, --help', 'show help')
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ outputError: () => undefined })
  .addHelpText(
    'after',
    examples([
      '$ icl run train.py                      # run a script on the default infrastructure',
      '$ icl run train.py --on docker --gpus 1 # …or somewhere else',
      '$ icl runs                              # what ran, and how it ended',
      '$ icl logs <id> --follow                # output of a run, from any shell',
      '',
      'Settings: ICL_CONFIG (~/.config/icl/config.yaml); state: ICL_STATE_DIR; caches: ICL_CACHE_DIR.',
    ]),
  );

program
  .command('run')
  .description('Run a script or a Python function, stream its output and exit with its exit code.')
  .argument('<file>', 'the script (.py, .js, .ts, .sh) or the Python file defining --function')
  .argument('[args...]', 'arguments for the script, after --')
  .option('--on <infrastructure>', 'where to run (an infrastructure or backend name); default from settings')
  .option('--env <NAME=VALUE>', 'set an environment variable for the program (repeatable)', collect)
  .option('--pip <package>', 'install a pip package into the runtime (repeatable)', collect)
  .option('--image <image>', 'run in this container image (docker, kubernetes, ssh hosts with Docker)')
  .option('--file <src[:dst]>', 'ship a file or folder with the run (repeatable)', collect)
  .option('--function <name>', 'call this function of the Python file instead of running it')
  .option(
    '--param <name=value>',
    'keyword argument for --function; JSON values are parsed (repeatable)',
    collect,
  )
  .option('-d, --detach', 'print the run id and return once it started; the run goes on')
  .option('--timeout <duration>', 'stop the run after this long (30s, 5min, 1h) and exit 124')
  .option('--gpus <request>', 'GPUs to assign: a count (2), a model (H100) or both (H100:8)')
  .option('--service', 'run as a long-lived service: return once it answers, print its URL')
  .option('--port <port>', 'a port the service listens on, published on 127.0.0.1 (repeatable)', collect)
  .option('--json', 'print a JSON summary on stdout when done (the program output goes to stderr)')
  .addHelpText(
    'after',
    examples([
      '$ icl run hello.py',
      '$ icl run train.py --pip numpy --pip torch==2.5.1 -- --epochs 3',
      '$ icl run train.py --function train --param epochs=3 --param lr=0.01',
      '$ icl run job.py --detach --timeout 2h && icl logs <id> --follow',
      '$ icl run train.py --on gpu-lab --gpus H100:8 --env WANDB_MODE=offline --file data/:data',
      '$ icl run app.py --on docker --service --port 8080   # prints the URL; stop it with icl cancel <id>',
      '',
      "Exit code: the program's own; 124 when timed out; 130 when cancelled; 2 when the run could not be made.",
    ]),
  )
  .action(
    action(async (file: string, args: string[], options) =>
      (await import('./commands/run-command')).runCommand(file, args, options),
    ),
  );

program
  .command('runs')
  .description('List recorded runs, newest first.')
  .option('--limit <count>', 'show at most this many runs', '20')
  .option('--json', 'print JSON')
  .addHelpText('after', examples(['$ icl runs', '$ icl runs --limit 5 --json']))
  .action(action(async (options) => (await import('./commands/runs-command')).runsCommand(options)));

program
  .command('status')
  .description('Show one run: status, exit code, infrastructure, program, timestamps, result.')
  .argument('<id>', 'a run id or a unique prefix of one')
  .option('--json', 'print JSON')
  .addHelpText('after', examples(['$ icl status mfx3k2a1-q7zp', '$ icl status mfx3 --json']))
  .action(
    action(async (id: string, options) =>
      (await import('./commands/status-command')).statusCommand(id, options),
    ),
  );

program
  .command('logs')
  .description("Print a run's output: its stdout to stdout, its stderr to stderr.")
  .argument('<id>', 'a run id or a unique prefix of one')
  .option('-f, --follow', 'keep printing until the run has ended')
  .option('--json', 'print {"stdout", "stderr"}; with --follow, one {"stream", "text"} line per chunk')
  .addHelpText(
    'after',
    examples([
      '$ icl logs mfx3k2a1-q7zp',
      '$ icl logs mfx3 --follow',
      '$ icl logs mfx3 --json | jq -r .stderr',
    ]),
  )
  .action(
    action(async (id: string, options) => (await import('./commands/logs-command')).logsCommand(id, options)),
  );

program
  .command('cancel')
  .description('Stop a run and every process it started, and print its final status.')
  .argument('<id>', 'a run id or a unique prefix of one')
  .option('--json', 'print JSON')
  .addHelpText('after', examples(['$ icl cancel mfx3k2a1-q7zp', '$ icl cancel mfx3 --json']))
  .action(
    action(async (id: string, options) =>
      (await import('./commands/cancel-command')).cancelCommand(id, options),
    ),
  );

const infra = program
  .command('infra')
  .description('Infrastructures: where programs run.')
  .addHelpText('after', examples(['$ icl infra ls']));
infra
  .command('ls')
  .alias('list')
  .description('List infrastructures with their backend and inventory (nodes, CPUs, memory, GPUs).')
  .option('--json', 'print JSON')
  .option('--refresh', 'read every host again instead of reusing a recent reading (SSH fleets keep one)')
  .addHelpText('after', examples(['$ icl infra ls', '$ icl infra ls --refresh', '$ icl infra ls --json']))
  .action(
    action(async (options) => (await import('./commands/infra-list-command')).infraListCommand(options)),
  );

const plugins = program
  .command('plugins')
  .description('Backend plugins: what runs programs on each kind of infrastructure.')
  .addHelpText('after', examples(['$ icl plugins ls']));
plugins
  .command('ls')
  .alias('list')
  .description('List built-in and installed backend plugins.')
  .option('--json', 'print JSON')
  .addHelpText('after', examples(['$ icl plugins ls', '$ icl plugins ls --json']))
  .action(
    action(async (options) => (await import('./commands/plugins-list-command')).pluginsListCommand(options)),
  );

program
  .command('validate')
  .description(
    'Check deploy manifests (ICL deploy.yaml, Akash SDL) and stack files without deploying or planning: every problem, with file:line:column, field and rule.',
  )
  .argument(
    '<file...>',
    'deploy manifests and stack files (icl-stack.*, or YAML/JSON with top-level resources)',
  )
  .option('--json', 'print one result per file as JSON')
  .addHelpText(
    'after',
    examples([
      '$ icl validate deploy.yaml',
      '$ icl validate icl-stack.yaml deploy/*.yaml --json | jq ".[] | select(.valid | not)"',
      '',
      'Exit code 0 when every file is valid, 1 when one is not. Reads no state and no market settings.',
    ]),
  )
  .action(
    action(async (files: string[], options) =>
      (await import('./commands/validate-command')).validateCommand(files, options),
    ),
  );

registerStackCommands(program);
registerOptimizeCommand(program);
registerMarketplaceCommands(program);
registerControllerCommands(program);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = await commanderExitCode(error);
      return;
    }
    const { reportError } = await import('./report-error');
    process.exitCode = await reportError(error);
  }
}

/** Commander's own exits: help and version are successes; usage mistakes are one line and exit 2. */
async function commanderExitCode(error: CommanderError): Promise<number> {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
  if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') return 2;
  const message = error.message.replace(/^error: /, '');
  const hint =
    /unknown option/.test(message) && process.argv[2] === 'run'
      ? " Pass the script's own options after --, for example `icl run train.py -- --epochs 3`."
      : ` Run \`${['icl', ...commandPath()].join(' ')} --help\` for usage.`;
  process.stderr.write(`icl: ${message.replace(/\.?$/, '.')}${hint}\n`);
  return 2;
}

/** The (sub)command words the user typed (`['infra', 'ls']`), to point at the right `--help`. */
function commandPath(): string[] {
  const path: string[] = [];
  let command: Command = program;
  for (const word of process.argv.slice(2)) {
    const next = command.commands.find(
      (candidate) => candidate.name() === word || candidate.aliases().includes(word),
    );
    if (!next) break;
    path.push(next.name());
    command = next;
  }
  return path;
}

await main();
// Output has been flushed by now; a backend's leftover timer or watcher must not keep `icl` alive.
process.exit();
