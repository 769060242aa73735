import { defineConfig } from 'tsup';

export default defineConfig({
  // The second entry is the program the detach test runs in a separate Node.js process; the suite finds it
  // next to itself in dist.
  entry: ['src/index.ts', 'src/start-detached-run.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'node20',
  sourcemap: true,
});
