import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A real Docker daemon (started or reused by the testbed) with a local Python base image; its
    // address and image reach the tests through DOCKER_HOST and ICL_TEST_DOCKER_BASE_IMAGE.
    globalSetup: ['../../tooling/testbed/vitest-docker-global-setup.mjs'],
    // Containers take a few hundred milliseconds each to start, and one test builds images with pip.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
