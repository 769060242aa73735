import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The exact solver's tests give it time limits of up to 10 s on a shared two-core machine.
    testTimeout: 60_000,
  },
});
