import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The tests spawn the built CLI (`pnpm build` first) and real programs.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
