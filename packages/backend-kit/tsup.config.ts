import { defineConfig } from 'tsup';

export default defineConfig({
  // files is its own entry, so code on a start-up path loads the file helpers without the rest of the kit.
  entry: ['src/index.ts', 'src/files.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: true,
});
