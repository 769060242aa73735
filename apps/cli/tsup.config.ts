import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bin.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  sourcemap: true,
  // Commands are split into chunks loaded on demand, so `icl --help` loads commander only.
  splitting: true,
  // Commander is bundled: loading it through Node's CommonJS loader costs more start-up time than
  // its code does. Its `require`s of Node built-ins need a real `require`.
  noExternal: ['commander'],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __iclCreateRequire } from 'node:module';\nconst require = __iclCreateRequire(import.meta.url);",
  },
});
