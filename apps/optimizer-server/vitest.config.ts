import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // command.test.ts runs the built server (`pnpm build` first); the exact solver may take a few seconds on
    // a shared two-core machine.
    testTimeout: 30_000,
  },
});
