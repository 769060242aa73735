import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * Parts of dockerode that most runs never use but that cost ~140 ms to load, which `icl run --on
 * docker` would pay on every start: the SSH transport (`ssh2`, only for `ssh://` daemons), the
 * BuildKit session and progress decoder (`@grpc/grpc-js`, `protobufjs`, only for BuildKit builds),
 * tar-fs (only for build contexts given as folders), TLS (only for `https` daemons) and the duplex
 * stream of attaches with stdin (with its copy of `readable-stream`, 100 KB of the bundle). dockerode
 * requires them at the top of its files, so the bundle replaces each with a stub that loads the
 * original, from dockerode's own installation, on first use.
 */
const deferredModules = [
  {
    importer: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
    request: './session',
    original: 'dockerode/lib/session.js',
  },
  {
    importer: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
    request: './buildkit',
    original: 'dockerode/lib/buildkit.js',
  },
  { importer: /[\\/]dockerode[\\/]lib[\\/]util\.js$/, request: 'tar-fs', original: 'tar-fs' },
  {
    importer: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/,
    request: './ssh',
    original: 'docker-modem/lib/ssh.js',
  },
  { importer: /[\\/]docker-modem[\\/]lib[\\/]http\.js$/, request: 'https', original: 'node:https' },
  {
    importer: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/,
    request: './http_duplex',
    original: 'docker-modem/lib/http_duplex.js',
  },
];

const deferHeavyDockerodeModules: Plugin = {
  name: 'defer-heavy-dockerode-modules',
  setup(build) {
    const deferred = new Set<string>();
    build.onResolve(
      { filter: /^(\.\/session|\.\/buildkit|\.\/ssh|\.\/http_duplex|tar-fs|https)$/ },
      (arguments_) => {
        const entry = deferredModules.find(
          (candidate) =>
            candidate.request === arguments_.path && candidate.importer.test(arguments_.importer),
        );
        if (!entry) return undefined;
        deferred.add(entry.original);
        return { path: entry.original, namespace: 'deferred-module' };
      },
    );
    build.onLoad({ filter: /.*/, namespace: 'deferred-module' }, (arguments_) => ({
      // The original is required from dockerode's own installation (docker-modem is its dependency,
      // not ours), and only when first used; every property and call goes to it.
      contents: `
        let original;
        function load() {
          if (!original) {
            const { createRequire } = require('node:module');
            const fromDockerode = createRequire(require.resolve('dockerode'));
            original = fromDockerode(${JSON.stringify(arguments_.path)});
          }
          return original;
        }
        module.exports = new Proxy(function deferred() {}, {
          apply: (_target, self, args) => load().apply(self, args),
          construct: (_target, args) => Reflect.construct(load(), args),
          get: (_target, key) => load()[key],
        });
      `,
      loader: 'js',
    }));
    build.onEnd(() => {
      // If dockerode reorganises its files, fail loudly rather than silently lose the speed-up.
      for (const entry of deferredModules) {
        if (!deferred.has(entry.original)) {
          throw new Error(
            `defer-heavy-dockerode-modules: ${entry.request} is no longer required by dockerode.`,
          );
        }
      }
    });
  },
};

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: true,
  // dockerode and docker-modem are bundled (into a chunk loaded on first use) so the stubs above
  // can stand in for their heavy parts; they stay dependencies for those parts and for the types.
  // @icl/backend-kit is bundled too, so `icl run --on docker` loads no more files than before.
  noExternal: ['dockerode', 'docker-modem', '@icl/backend-kit'],
  // Bundled CommonJS code calls require(), which an ES module does not have.
  banner: {
    js: "import { createRequire as __iclCreateRequire } from 'node:module';\nconst require = __iclCreateRequire(import.meta.url);",
  },
  esbuildPlugins: [deferHeavyDockerodeModules],
});
