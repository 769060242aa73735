import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * The YAML parser is bundled, from its ES module build, into a chunk of its own that is imported
 * when a settings file is read. Its Node.js build is CommonJS spread over ~80 files, which takes
 * 30–60 ms to load on every command that reads the settings (`icl run` among them); the bundled chunk
 * loads in about 5 ms. The ES module build is the same code (`yaml` ships it for other platforms).
 */
const yamlFromItsModuleBuild: Plugin = {
  name: 'yaml-from-its-module-build',
  setup(build) {
    const require = createRequire(import.meta.url);
    const moduleBuild = path.join(path.dirname(require.resolve('yaml/package.json')), 'browser/index.js');
    // A module named `yaml` that re-exports the build, so the chunk is named after the package.
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'yaml-module-build' }));
    build.onLoad({ filter: /.*/, namespace: 'yaml-module-build' }, () => ({
      contents: `export * from ${JSON.stringify(moduleBuild)};`,
      resolveDir: path.dirname(moduleBuild),
      loader: 'js',
    }));
  },
};

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: true,
  noExternal: ['yaml'],
  esbuildPlugins: [yamlFromItsModuleBuild],
});
