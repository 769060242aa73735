import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A real control plane (kube-apiserver, scheduler, controller manager) with kwok's simulated nodes and
    // a real node that runs containers, started or reused by the testbed; its kubeconfig reaches the
    // tests (and the processes they start) through KUBECONFIG. The docker testbed's base image (Debian
    // with Python) is loaded into the real node; the runner's image builds use that daemon too.
    globalSetup: [
      '../../tooling/testbed/vitest-docker-global-setup.mjs',
      '../../tooling/testbed/vitest-kubernetes-global-setup.mjs',
    ],
    testTimeout: 120_000,
    // A cold testbed builds the Kubernetes binaries from their Go modules (minutes).
    hookTimeout: 30 * 60_000,
  },
});
