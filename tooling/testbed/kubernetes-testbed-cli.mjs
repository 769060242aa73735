#!/usr/bin/env node
import { exportLine } from './export-line.mjs';
// The Kubernetes testbed for humans and CI scripts:
//   node tooling/testbed/kubernetes-testbed-cli.mjs start    # prints export KUBECONFIG=...: eval "$(… start)" sets it; progress on stderr;
//                                                            # the control plane runs until `stop`
//   node tooling/testbed/kubernetes-testbed-cli.mjs status   # exit code 0 when it answers, 1 otherwise
//   node tooling/testbed/kubernetes-testbed-cli.mjs stop     # stops every component it started
import { ensureKubernetesBinaries } from './kubernetes-binaries.mjs';
import {
  kubernetesTestbedStatus,
  startKubernetesTestbed,
  stopKubernetesTestbed,
} from './kubernetes-testbed.mjs';

const commands = {
  async build() {
    const { directory } = await ensureKubernetesBinaries();
    console.log(directory);
    return 0;
  },
  async start() {
    const testbed = await startKubernetesTestbed();
    console.log(exportLine('KUBECONFIG', testbed.kubeconfig));
    console.log(exportLine('ICL_TEST_KUBERNETES_NODE', testbed.realNode));
    console.log(exportLine('ICL_TEST_KUBERNETES_IMAGE_LOAD', JSON.stringify(testbed.imageLoadCommand)));
    return 0;
  },
  async stop() {
    await stopKubernetesTestbed();
    return 0;
  },
  async status() {
    const status = await kubernetesTestbedStatus();
    if (!status.running) {
      console.log('not running');
      return 1;
    }
    console.log(`running at ${status.server}`);
    console.log(`KUBECONFIG=${status.kubeconfig}`);
    return 0;
  },
};

const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: kubernetes-testbed-cli.mjs build|start|stop|status');
  process.exit(2);
}
try {
  process.exitCode = await command();
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
