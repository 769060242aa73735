import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Running on a kind cluster is tested on the testbed's real control plane (a stand-in kind hands out
    // its kubeconfig), with the docker testbed's base image loaded into its real node.
    globalSetup: [
      '../../tooling/testbed/vitest-docker-global-setup.mjs',
      '../../tooling/testbed/vitest-kubernetes-global-setup.mjs',
    ],
    testTimeout: 120_000,
    // A cold testbed builds the Kubernetes binaries from their Go modules (minutes).
    hookTimeout: 30 * 60_000,
  },
});
