import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A real control plane (kube-apiserver, scheduler, controller manager) with kwok's simulated GPU
    // nodes, started or reused by the testbed; its kubeconfig reaches the tests through KUBECONFIG.
    globalSetup: [
      '../../tooling/testbed/vitest-docker-global-setup.mjs',
      '../../tooling/testbed/vitest-kubernetes-global-setup.mjs',
    ],
    testTimeout: 60_000,
    // A cold testbed builds the Kubernetes binaries from their Go modules (minutes).
    hookTimeout: 30 * 60_000,
  },
});
