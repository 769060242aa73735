/// <reference path="./vitest-provided-context.d.ts" />
// A vitest globalSetup that makes a real Kubernetes control plane available to the tests:
//   test: { globalSetup: ['../../tooling/testbed/vitest-docker-global-setup.mjs',
//                         '../../tooling/testbed/vitest-kubernetes-global-setup.mjs'] }
// With the docker testbed's setup listed first, its base image is loaded into the real node.
// Tests read its kubeconfig with inject('kubeconfig') or from process.env.KUBECONFIG, the real node's
// name from ICL_TEST_KUBERNETES_NODE and the image-load command (JSON argv) from
// ICL_TEST_KUBERNETES_IMAGE_LOAD; test workers and the processes they spawn inherit them.
import { loadDockerImageIntoRealNode, startKubernetesTestbed } from './kubernetes-testbed.mjs';

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
  // After the docker testbed's setup (list it first), its base image is what tests run in pods.
  const dockerHost = process.env.DOCKER_HOST;
  const baseImage = process.env.ICL_TEST_DOCKER_BASE_IMAGE;
  if (dockerHost?.startsWith('unix://') && baseImage) {
    await loadDockerImageIntoRealNode({ dockerSocket: dockerHost.slice('unix://'.length), image: baseImage });
  }
  project.provide('kubeconfig', testbed.kubeconfig);
  const environment = {
    KUBECONFIG: testbed.kubeconfig,
    ICL_TEST_KUBERNETES_NODE: testbed.realNode,
    ICL_TEST_KUBERNETES_IMAGE_LOAD: JSON.stringify(testbed.imageLoadCommand),
  };
  const previous = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  return async function teardown() {
    await testbed.stop();
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
