import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One test kills and restarts the built order book (pnpm build first).
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
