import { defineConfig } from 'tsup';

export default defineConfig({
  // The supervisor is its own entry: detached runs start it as a separate Node.js process.
  entry: ['src/index.ts', 'src/supervisor-main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'node20',
  sourcemap: true,
});
