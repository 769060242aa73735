import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The crash test spawns the built engine (`pnpm build` first) sixty times.
    testTimeout: 30_000,
  },
});
