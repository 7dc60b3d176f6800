// Bundles the guest runtime (server/runtime/guest/) into ONE plain script whose completion value is the
// runtime's `control` function: compiled once per isolate, run once per context (and snapshot-ready).
import { build } from 'esbuild';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const requireFromRoot = createRequire(path.join(root, 'package.json'));
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

/**
 * A plugin that edits one library file as esbuild loads it: each `find` must occur exactly once, else the
 * build fails naming the file and `missing` (what the library no longer does), rather than ship a
 * runtime whose patch silently stopped applying.
 */
function patchLibrary(name, file, edits, prefix = '') {
  return {
    name,
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: file }, async (args) => {
        let contents = await fs.readFile(args.path, 'utf8');
        for (const { find, replace, missing } of edits) {
          if (contents.split(find).length !== 2) throw new Error(`${args.path} no longer ${missing}`);
          contents = contents.replace(find, () => replace);
        }
        return { contents: prefix + contents, loader: 'js' };
      });
    },
  };
}

/**
 * The runtime bundles @exodus/bytes' encoding-lite (UTF-8, UTF-16 and the single-byte encodings), whose
 * TextDecoder accepts a legacy multi-byte label (shift_jis, big5, gbk...) and then throws a plain Error
 * on decode, telling to import the full library. A decoder the runtime cannot run is refused when it is
 * constructed, as the encoding standard has it for any unsupported label: a RangeError naming the label,
 * the same for an unknown one. The build fails if the library no longer checks labels this way.
 */
const UNKNOWN_ENCODING_CHECK = "if (!enc || enc === 'replacement') throw new RangeError(E_ENCODING)";
const multiByteUnsupported = patchLibrary(
  'multi-byte-unsupported',
  /[\\/]@exodus[\\/]bytes[\\/]fallback[\\/]encoding\.js$/,
  [
    {
      find: UNKNOWN_ENCODING_CHECK,
      replace:
        "if (!enc || enc === 'replacement' || isMultibyte(enc)) " +
        "throw new RangeError(`The encoding '${encoding}' is not supported`)",
      missing: `refuses unknown encodings with ${UNKNOWN_ENCODING_CHECK}`,
    },
  ],
);

/** whatwg-url loads the legacy multi-byte encodings for form encodings the URL API never uses (it is UTF-8 only). */
const utf8OnlyEncodings = {
  name: 'utf8-only-encodings',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@exodus\/bytes\/encoding\.js$/ }, (args) =>
      pluginBuild.resolve('@exodus/bytes/encoding-lite.js', { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

/**
 * whatwg-url passes every host through tr46 (UTS #46), whose mapping table costs ~2 ms to build in each
 * fresh context. A host that is already lowercase letters, digits, hyphens and dots, with no `xn--`
 * label, comes out of tr46 unchanged when hyphens and DNS lengths are not checked (what the URL parser
 * asks for), so it skips tr46; anything else loads the real one on first use.
 */
const lazyTr46 = {
  name: 'lazy-tr46',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^tr46$/ }, () => ({ path: 'tr46', namespace: 'lazy-tr46' }));
    // The real module, by path: resolving the name again would come back to this plugin.
    pluginBuild.onResolve({ filter: /^tr46-real$/ }, () => ({ path: requireFromRoot.resolve('tr46') }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-tr46' }, () => ({
      contents: `
        let real;
        const load = () => (real ??= require('tr46-real'));
        const PLAIN_HOST = /^[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.?$/;
        const PUNYCODE_LABEL = /(?:^|\\.)xn--/;
        module.exports = {
          toASCII(domain, options) {
            if (typeof domain === 'string' && !options?.checkHyphens && !options?.verifyDNSLength &&
                PLAIN_HOST.test(domain) && !PUNYCODE_LABEL.test(domain)) {
              return domain;
            }
            return load().toASCII(domain, options);
          },
          toUnicode(domain, options) {
            return load().toUnicode(domain, options);
          },
        };`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/**
 * webidl-conversions (under whatwg-url) reads the getters of `ArrayBuffer.prototype.resizable` and
 * `SharedArrayBuffer.prototype.growable` when it loads. The server runs V8 without resizable buffers
 * (server/v8-flags.ts), where both properties are absent and the read threw: URL failed in every guest.
 * Without them no buffer is resizable or growable, so a getter that answers false is exact. The build
 * fails if the library no longer reads them this way, rather than ship a runtime whose URL may break.
 */
const buffersMayBeFixed = patchLibrary(
  'buffers-may-be-fixed',
  /[\\/]webidl-conversions[\\/]lib[\\/]index\.js$/,
  [
    ['ArrayBuffer', 'resizable'],
    ['SharedArrayBuffer', 'growable'],
  ].map(([constructor, property]) => ({
    find: `Object.getOwnPropertyDescriptor(${constructor}.prototype, "${property}").get`,
    replace: `(Object.getOwnPropertyDescriptor(${constructor}.prototype, "${property}") ?? { get() { return false; } }).get`,
    missing: `reads ${constructor}.prototype.${property}`,
  })),
);

/**
 * object-inspect prints a Date as `String(date)` does (the long local form); Node's console prints its ISO
 * form, or `Invalid Date`. The build fails if the library no longer ends its inspect that way.
 */
const DATE_FALLBACK = '    return String(obj);\n};';
const isoDates = patchLibrary(
  'iso-dates',
  /[\\/]object-inspect[\\/]index\.js$/,
  [
    {
      find: DATE_FALLBACK,
      replace:
        '    if (isDate(obj)) { var time = $dateGetTime.call(obj); ' +
        "return time === time ? $dateToISOString.call(obj) : 'Invalid Date'; }\n" +
        DATE_FALLBACK,
      missing: 'ends its inspect with String(obj)',
    },
  ],
  'var $dateGetTime = Date.prototype.getTime, $dateToISOString = Date.prototype.toISOString;\n',
);

/**
 * The libraries the runtime loads on first use. Bundled on their own and handed to the runtime's build as
 * CommonJS, so esbuild wraps each in a function that runs on its first `require`: their functions are
 * created only in contexts that use them. (Bundled in place, an ES-module library's top-level
 * declarations land in the bundle's own scope and are created in every fresh context: ~0.1 ms each.)
 */
const LAZY_LIBRARIES = [
  'object-inspect',
  '@exodus/bytes/encoding-lite.js',
  '@noble/ciphers/chacha.js',
  '@ungap/structured-clone',
  'whatwg-url',
];

/** What both builds share: one CommonJS-style script for a bare V8 context. */
const COMMON = {
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  mainFields: ['main', 'module'],
  target: 'es2022',
  minifySyntax: true,
  legalComments: 'inline',
  logLevel: 'warning',
};

async function bundleLibrary(specifier) {
  const result = await build({
    ...COMMON,
    stdin: { contents: `module.exports = require(${JSON.stringify(specifier)});`, resolveDir: root, loader: 'js' },
    write: false,
    // Renaming to avoid clashes would otherwise show through: `TextEncoder.name` read 'TextEncoder2'.
    // Names are set when a library first loads, not in every fresh context.
    keepNames: true,
    plugins: [noNodeUtil, isoDates, utf8OnlyEncodings, multiByteUnsupported, lazyTr46, buffersMayBeFixed],
  });
  return result.outputFiles[0].text;
}

const prebundled = Object.fromEntries(
  await Promise.all(LAZY_LIBRARIES.map(async (specifier) => [specifier, await bundleLibrary(specifier)])),
);

const lazyLibraries = {
  name: 'lazy-libraries',
  setup(pluginBuild) {
    const filter = new RegExp(
      `^(?:${LAZY_LIBRARIES.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`,
    );
    pluginBuild.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-library' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-library' }, (args) => ({
      contents: prebundled[args.path],
      loader: 'js',
    }));
  },
};

await build({
  ...COMMON,
  entryPoints: [path.join(root, 'server', 'runtime', 'guest', 'index.mts')],
  outfile: GUEST_BUNDLE,
  // index.mts assigns `control` to __isorunControl; the script's completion value is that function.
  banner: { js: '(function () {\n"use strict";\nvar __isorunControl;' },
  footer: { js: 'return __isorunControl;\n})()' },
  plugins: [lazyLibraries],
});
