import { defineConfig } from 'tsup';

export default defineConfig({
  // The library, and the `icl-controller` executable the controller's Deployment runs.
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'node20',
  sourcemap: true,
});
