import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A real Docker daemon (started or reused by the testbed) with the local Python base image; the
    // order book and providers run as real processes on 127.0.0.1 (build first: pnpm build).
    globalSetup: ['../../tooling/testbed/vitest-docker-global-setup.mjs'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
