import type { Command } from 'commander';
import { action } from './command-action';
import { examples } from './help-examples';

/** Registers `icl controller install|uninstall`, the optimizer's Kubernetes controller. */
export function registerControllerCommands(program: Command): void {
  const controller = program
    .command('controller')
    .description(
      "The optimizer's Kubernetes controller: it watches Inferno's custom resources and writes each Server's desiredAlloc.",
    )
    .addHelpText(
      'after',
      examples([
        '$ icl controller install                       # into icl-system, with the current kubeconfig context',
        '$ icl controller install --dry-run > controller.yaml',
        '$ icl controller uninstall',
      ]),
    );

  controller
    .command('install')
    .description(
      "Install the controller into a cluster: Inferno's six CRDs, a ServiceAccount with least-privilege RBAC, and its Deployment.",
    )
    .option('--kubeconfig <file>', 'the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context (default: its current context)')
    .option('--namespace <name>', 'where the controller runs (created when missing)', 'icl-system')
    .option(
      '--image <image>',
      "the controller's image (default: node:20-alpine running the published @icl/controller)",
    )
    .option('--replicas <count>', 'controller replicas; leader election keeps exactly one writing', '1')
    .option('--mode <mode>', 'stateless (read everything when asked) or stateful (keep everything in memory)')
    .option('--scale-deployments', 'also scale the Deployment serving each Server to its decided allocation')
    .option(
      '--optimizer-url <url>',
      'solve with this Inferno-compatible optimizer server instead of in process',
    )
    .option('--period <duration>', 'also optimize every namespace with an Optimizer this often (5min)')
    .option('--watch-namespace <name>', 'watch only this namespace (default: all)')
    .option('--dry-run', 'print the manifests as YAML instead of applying them')
    .option('--json', 'print what was applied as JSON')
    .addHelpText(
      'after',
      examples([
        '$ icl controller install',
        '$ icl controller install --kubeconfig ~/.kube/prod --namespace inferno --replicas 2 --scale-deployments',
        '$ icl controller install --dry-run | kubectl apply -f -',
        '',
        "Then ask for an optimization as with Inferno's controller:",
        '  kubectl patch optimizer <name> --type merge -p \'{"spec":{"optimize":true}}\'',
        'Installing creates CRDs and cluster roles: it needs a cluster admin.',
      ]),
    )
    .action(
      action(async (options) =>
        (await import('./commands/controller-install-command')).controllerInstallCommand(options),
      ),
    );

  controller
    .command('uninstall')
    .description(
      'Remove the controller (Deployment, RBAC, ServiceAccount, Lease, and its namespace if install created it); the CRDs stay unless --delete-crds.',
    )
    .option('--kubeconfig <file>', 'the cluster (default: KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context (default: its current context)')
    .option('--namespace <name>', 'where the controller was installed', 'icl-system')
    .option(
      '--delete-crds',
      "also delete Inferno's CRDs, and with them every Inferno resource in the cluster",
    )
    .option('--json', 'print what was deleted as JSON')
    .addHelpText(
      'after',
      examples([
        '$ icl controller uninstall',
        '$ icl controller uninstall --namespace inferno --delete-crds',
      ]),
    )
    .action(
      action(async (options) =>
        (await import('./commands/controller-uninstall-command')).controllerUninstallCommand(options),
      ),
    );
}
