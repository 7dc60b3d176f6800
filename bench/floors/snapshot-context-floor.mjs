// What a correct `snapshot-context` costs without any snapshot machinery: a fresh context, the
// benchmark library's scripts run from V8's code cache, and the one call (`lib.call(42)`), in a warm
// isolate. isolated-vm does nothing else (no guards); isorun adds its guards. Medians of 3,000, in a
// child process per implementation and round, three alternating rounds; extra Node/V8 flags (such as
// `--no-expose-wasm --no-validate-asm`) are passed to the children.
//   node bench/floors/snapshot-context-floor.mjs [--flags "..."] [isolated-vm isorun]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../lib/impls.mjs';
import { EXPECTED, LIBRARY_SCRIPTS } from '../snapshot/common.mjs';
import { CALL_SOURCE } from '../snapshot/library.mjs';
import { medianMicros } from './median.mjs';

function child(impl) {
  const engine = loadEngine(impl);
  const isolate = new engine.Isolate({ memoryLimit: 128 });
  const { code, filename } = LIBRARY_SCRIPTS[0];
  const produced = isolate.compileScriptSync(code, { filename, produceCachedData: true });
  const library = isolate.compileScriptSync(code, { filename, cachedData: produced.cachedData });
  if (library.cachedDataRejected) throw new Error(`${impl}: the code cache was rejected`);
  const call = isolate.compileScriptSync(CALL_SOURCE);
  const once = () => {
    const context = isolate.createContextSync();
    library.runSync(context);
    const result = call.runSync(context);
    context.release();
    if (result !== EXPECTED.call) throw new Error(`${impl}: lib.call(42) gave ${result}`);
  };
  for (let i = 0; i < 100; i++) once();
  console.log(JSON.stringify(medianMicros(once, 3000)));
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  child(args[1]);
} else {
  const flagsAt = args.indexOf('--flags');
  const flags = flagsAt === -1 ? [] : args.splice(flagsAt, 2)[1].split(/\s+/).filter(Boolean);
  const impls = args.length > 0 ? args : ['isolated-vm', 'isorun'];
  const rows = Object.fromEntries(impls.map((name) => [name, []]));
  for (let round = 0; round < 3; round++) {
    for (const name of impls) {
      const script = fileURLToPath(import.meta.url);
      const out = execFileSync(process.execPath, ['--no-node-snapshot', ...flags, script, '--child', name]);
      rows[name].push(JSON.parse(String(out)));
    }
  }
  for (const [name, medians] of Object.entries(rows)) {
    console.log(
      `${name.padEnd(12)} fresh context + library from code cache + call, µs: ${medians.map((m) => m.toFixed(0)).join(', ')}`,
    );
  }
}
