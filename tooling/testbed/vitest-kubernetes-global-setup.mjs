/// <reference path="./vitest-provided-context.d.ts" />
// A vitest globalSetup that makes a real Kubernetes control plane available to the tests:
//   test: { globalSetup: ['../../tooling/testbed/vitest-kubernetes-global-setup.mjs'] }
// Tests read its kubeconfig with inject('kubeconfig') or from process.env.KUBECONFIG, which test workers
// and the processes they spawn inherit.
import { startKubernetesTestbed } from './kubernetes-testbed.mjs';

/**
 * Starts (or reuses) the Kubernetes testbed and provides its kubeconfig to the tests.
 * @param {import('vitest/node').TestProject} project
 * @returns {Promise<() => Promise<void>>} the teardown: stops the control plane if this setup started it
 */
export default async function setup(project) {
  const started = Date.now();
  const testbed = await startKubernetesTestbed();
  console.log(
    `[kubernetes-testbed] ${testbed.startedByUs ? 'started' : 'reused'} the control plane at ${testbed.server} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide('kubeconfig', testbed.kubeconfig);
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = testbed.kubeconfig;
  return async function teardown() {
    await testbed.stop();
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
  };
}
