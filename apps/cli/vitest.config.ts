import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The tests spawn the built CLI (`pnpm build` first) and real programs, some on the Kubernetes
    // testbed (its real node runs the docker testbed's base image), some on the SSH testbed's hosts.
    globalSetup: [
      '../../tooling/testbed/vitest-docker-global-setup.mjs',
      '../../tooling/testbed/vitest-kubernetes-global-setup.mjs',
      '../../tooling/testbed/vitest-ssh-global-setup.mjs',
    ],
    testTimeout: 30_000,
    hookTimeout: 30 * 60_000,
  },
});
