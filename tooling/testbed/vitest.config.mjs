// The testbed's own tests run against the real daemon the globalSetup starts, like the docker plugin's.
export default {
  test: {
    include: ['test/**/*.test.mjs'],
    globalSetup: ['./vitest-docker-global-setup.mjs'],
    // A cold start builds the base image with debootstrap (about a minute).
    hookTimeout: 15 * 60_000,
    testTimeout: 120_000,
  },
};
