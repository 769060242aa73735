// The testbed's own tests run against the real peers the globalSetups start (dockerd; the Kubernetes
// control plane with its real and simulated nodes), like the plugins' tests.
export default {
  test: {
    include: ['test/**/*.test.mjs'],
    globalSetup: ['./vitest-docker-global-setup.mjs', './vitest-kubernetes-global-setup.mjs'],
    // A cold start builds the base image with debootstrap (about a minute) and the Kubernetes binaries
    // from their Go modules (several minutes).
    hookTimeout: 30 * 60_000,
    testTimeout: 120_000,
  },
};
