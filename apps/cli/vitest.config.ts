import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The tests spawn the built CLI (`pnpm build` first) and real programs, some on the Kubernetes
    // testbed (its real node runs the docker testbed's base image).
    globalSetup: [
      '../../tooling/testbed/vitest-docker-global-setup.mjs',
      '../../tooling/testbed/vitest-kubernetes-global-setup.mjs',
    ],
    testTimeout: 30_000,
    hookTimeout: 30 * 60_000,
  },
});
