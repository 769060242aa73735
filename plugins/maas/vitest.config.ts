import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The MAAS API stand-in (tooling/testbed/maas-api-server.mjs) is started by each test file.
    testTimeout: 30_000,
  },
});
