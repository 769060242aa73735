#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type RunningDaemon, runDaemon } from '@icl/daemon';
import type { ControllerMode } from './controller-options';
import { startController } from './inferno-controller';

const usage = `Usage: icl-controller [options]

Watches Inferno's custom resources (inferno.platform.ai/v1alpha1) and, when an Optimizer asks
(spec.optimize: true) or on --period, solves the GPU allocation of its namespace with ICL's optimizer and
writes each Server's spec.desiredAlloc, with conditions saying why a server was left out.

Options (each also from the environment, shown in brackets):
  --mode <stateless|stateful>  read everything when an optimization is due, or keep every resource in
                               memory [ICL_CONTROLLER_MODE; INFERNO_STATELESS=false means stateful]
  --kubeconfig <file>          the cluster [KUBECONFIG, ~/.kube/config, or the pod's service account]
  --context <name>             the kubeconfig context
  --namespace <name>           watch only this namespace [ICL_CONTROLLER_WATCH_NAMESPACE]
  --optimizer-url <url>        solve with this Inferno-compatible optimizer server (POST /optimizeOne)
                               instead of in process [ICL_OPTIMIZER_URL, or INFERNO_HOST/INFERNO_PORT]
  --period <duration>          also optimize every namespace with an Optimizer this often (5min)
                               [ICL_CONTROLLER_PERIOD; default off]
  --resync <duration>          re-deliver watched objects this often [ICL_CONTROLLER_RESYNC; default 10min]
  --scale-deployments          scale the Deployment serving each Server (replicas, GPU model node selector,
                               GPU limit) [ICL_CONTROLLER_SCALE_DEPLOYMENTS]; a Server's
                               icl.dev/scale-deployment annotation overrides it
  --exact-time-limit <dur>     time limit of the exact (MILP) solver [default 10s]
  --no-leader-elect            do not compete for the Lease (one replica only)
                               [ICL_CONTROLLER_LEADER_ELECT=false]
  --lease-namespace <name>     namespace of the leader Lease [POD_NAMESPACE, else the context's]
  --lease-name <name>          name of the leader Lease [icl-inferno-controller]
  --identity <name>            this replica's name in the Lease [POD_NAME, else host-pid-random]
  -h, --help                   show this help

It logs one JSON object a line on standard error, and stops on SIGTERM or SIGINT (releasing the Lease).`;

async function main(): Promise<number | RunningDaemon> {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string' },
      'optimizer-url': { type: 'string' },
      period: { type: 'string' },
      resync: { type: 'string' },
      'scale-deployments': { type: 'boolean' },
      'exact-time-limit': { type: 'string' },
      'no-leader-elect': { type: 'boolean' },
      'lease-namespace': { type: 'string' },
      'lease-name': { type: 'string' },
      identity: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const controller = await startController({
    ...(values.mode ? { mode: values.mode as ControllerMode } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
    ...(values.namespace ? { watchNamespace: values.namespace } : {}),
    ...(values['optimizer-url'] ? { optimizerUrl: values['optimizer-url'] } : {}),
    ...(values.period ? { period: values.period } : {}),
    ...(values.resync ? { resync: values.resync } : {}),
    ...(values['scale-deployments'] ? { scaleDeployments: true } : {}),
    ...(values['exact-time-limit'] ? { exactTimeLimit: values['exact-time-limit'] } : {}),
    leaderElection: {
      ...(values['no-leader-elect'] ? { enabled: false } : {}),
      ...(values['lease-namespace'] ? { namespace: values['lease-namespace'] } : {}),
      ...(values['lease-name'] ? { name: values['lease-name'] } : {}),
      ...(values.identity ? { identity: values.identity } : {}),
    },
  });
  return { close: () => controller.stop() };
}

runDaemon('icl-controller', main);
