import { InvalidArgumentError, parseDuration } from '@icl/core';
import { printJson, writeOutput } from '../write-output';

/** The flags of `icl controller install`. */
export interface ControllerInstallCommandOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  image?: string;
  /** As typed; checked here. */
  replicas: string;
  /** As typed; checked here. */
  mode?: string;
  scaleDeployments?: boolean;
  optimizerUrl?: string;
  period?: string;
  watchNamespace?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * `icl controller install`: applies the controller's CRDs, RBAC and Deployment with server-side apply (so
 * running it again updates them), or with `--dry-run` prints them as YAML for `kubectl apply -f -` or a
 * GitOps repository.
 */
export async function controllerInstallCommand(options: ControllerInstallCommandOptions): Promise<number> {
  const replicas = Number(options.replicas);
  if (!/^\d+$/.test(options.replicas) || !Number.isSafeInteger(replicas)) {
    throw new InvalidArgumentError({
      argument: '--replicas',
      message: `Invalid --replicas "${options.replicas}".`,
      hint: 'Give a whole number of controller replicas, like 1 or 2.',
    });
  }
  if (options.mode !== undefined && options.mode !== 'stateless' && options.mode !== 'stateful') {
    throw new InvalidArgumentError({
      argument: '--mode',
      message: `Invalid --mode "${options.mode}".`,
      hint: 'Give stateless or stateful.',
    });
  }
  if (options.period !== undefined) parseDuration(options.period, '--period');
  const manifestOptions = {
    namespace: options.namespace,
    replicas,
    ...(options.image ? { image: options.image } : {}),
    ...(options.mode ? { mode: options.mode as 'stateless' | 'stateful' } : {}),
    ...(options.scaleDeployments ? { scaleDeployments: true } : {}),
    ...(options.optimizerUrl ? { optimizerUrl: options.optimizerUrl } : {}),
    ...(options.period ? { period: options.period } : {}),
    ...(options.watchNamespace ? { watchNamespace: options.watchNamespace } : {}),
  };
  const controller = await import('@icl/controller');
  if (options.dryRun) {
    const { stringify } = await import('yaml');
    const namespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: options.namespace, labels: controller.controllerLabels },
    };
    const documents = [namespace, ...controller.controllerManifests(manifestOptions)];
    await writeOutput(process.stdout, documents.map((document) => stringify(document)).join('---\n'));
    return 0;
  }
  const report = await controller.installController({
    ...manifestOptions,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  if (options.json) {
    await printJson(report);
    return 0;
  }
  await writeOutput(
    process.stdout,
    `${report.actions.map((line) => `${line}\n`).join('')}` +
      `The controller is installed in namespace ${report.namespace}. Ask for an optimization with:\n` +
      `  kubectl patch optimizer <name> --type merge -p '{"spec":{"optimize":true}}'\n`,
  );
  return 0;
}
