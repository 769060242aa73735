import { printJson, writeOutput } from '../write-output';

/** The flags of `icl controller uninstall`. */
export interface ControllerUninstallCommandOptions {
  kubeconfig?: string;
  context?: string;
  namespace: string;
  deleteCrds?: boolean;
  json?: boolean;
}

/** `icl controller uninstall`: removes what `icl controller install` created; what is gone already is fine. */
export async function controllerUninstallCommand(
  options: ControllerUninstallCommandOptions,
): Promise<number> {
  const { uninstallController } = await import('@icl/controller');
  const report = await uninstallController({
    namespace: options.namespace,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.deleteCrds ? { deleteCrds: true } : {}),
  });
  if (options.json) {
    await printJson(report);
    return 0;
  }
  const lines =
    report.actions.length > 0
      ? report.actions
      : [`nothing of the controller was left in ${report.namespace}`];
  await writeOutput(process.stdout, lines.map((line) => `${line}\n`).join(''));
  return 0;
}
