import { defineConfig } from 'tsup';

export default defineConfig({
  // The port-forwarding process of services is its own entry: it runs detached, as a separate process.
  entry: ['src/index.ts', 'src/ssh-port-forward-main.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'node20',
  sourcemap: true,
});
