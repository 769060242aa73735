import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bin.ts'],
  format: ['esm'],
  clean: true,
  target: 'node20',
  sourcemap: true,
  // Commands are split into chunks loaded on demand, so `icl --help` loads commander only.
  splitting: true,
  // Commander, the core, the SDK (with the part of the backend kit it uses) and the engine are bundled: resolving and loading them as separate
  // packages through Node's module loader costs more start-up time than their code does (`icl run` is
  // measured against bare `python3`, `icl plan` against Terraform). The local plugin (whose supervisor
  // entry sits next to its own files) and yaml stay external, as dependencies. Commander's `require`s
  // of Node built-ins need a real `require`.
  noExternal: ['commander', '@icl/core', '@icl/sdk', '@icl/engine', '@icl/backend-kit'],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __iclCreateRequire } from 'node:module';\nconst require = __iclCreateRequire(import.meta.url);",
  },
});
