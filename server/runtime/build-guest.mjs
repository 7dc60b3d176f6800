// Bundles the guest runtime (server/runtime/guest/) into ONE plain script whose completion value is the
// runtime's `control` function: compiled once per isolate, run once per context (and snapshot-ready).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GUEST_BUNDLE = path.join(root, 'dist', 'guest-runtime.js');

/** object-inspect reaches for Node's util.inspect (its "browser" field maps that to nothing): guests have no util. */
const noNodeUtil = {
  name: 'no-node-util',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/util\.inspect(\.js)?$/ }, () => ({
      path: 'util.inspect',
      namespace: 'empty',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

/** whatwg-url loads the legacy multi-byte encodings for form encodings the URL API never uses (it is UTF-8 only). */
const utf8OnlyEncodings = {
  name: 'utf8-only-encodings',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@exodus\/bytes\/encoding\.js$/ }, (args) =>
      pluginBuild.resolve('@exodus/bytes/encoding-lite.js', { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

await build({
  entryPoints: [path.join(root, 'server', 'runtime', 'guest', 'index.mts')],
  outfile: GUEST_BUNDLE,
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  mainFields: ['main', 'module'],
  target: 'es2022',
  minifySyntax: true,
  legalComments: 'inline',
  banner: { js: '(function () {\n"use strict";\nvar module = { exports: {} }, exports = module.exports;' },
  footer: { js: 'return module.exports.control;\n})()' },
  plugins: [noNodeUtil, utf8OnlyEncodings],
  logLevel: 'warning',
});
