// What a correct `snapshot-context` costs without any snapshot machinery: a fresh context, the
// benchmark library's script run from V8's code cache, and the one call (`lib.call(42)`), in a warm
// isolate. isolated-vm does nothing else (no guards); isorun adds its guards. Not part of
// `npm run bench`; run it on its own (BENCH_NODE_FLAGS, e.g. "--no-expose-wasm --no-validate-asm",
// passes flags to every implementation alike):
//   node bench/floors/snapshot-context-floor.mjs [--impls isolated-vm,isorun]
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeSync } from '../lib/measure.mjs';
import { EXPECTED, LIBRARY_SCRIPTS } from '../snapshot/common.mjs';
import { CALL_SOURCE } from '../snapshot/library.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'snapshot-context-floor',
  title: 'new context + library from code cache + call (no snapshot)',
  impls: ['isolated-vm', 'isorun'],
  run({ impl, engine, iterations }) {
    const isolate = new engine.Isolate({ memoryLimit: 128 });
    const { code, filename } = LIBRARY_SCRIPTS[0];
    const produced = isolate.compileScriptSync(code, { filename, produceCachedData: true });
    const library = isolate.compileScriptSync(code, { filename, cachedData: produced.cachedData });
    if (library.cachedDataRejected) throw new Error(`${impl}: the code cache was rejected`);
    const call = isolate.compileScriptSync(CALL_SOURCE);
    const samples = timeSync(iterations(9000), 100, () => {
      const context = isolate.createContextSync();
      library.runSync(context);
      const result = call.runSync(context);
      context.release();
      if (result !== EXPECTED.call) throw new Error(`${impl}: lib.call(42) gave ${result}`);
    });
    isolate.dispose();
    return [{ metric: 'time', unit: 'ns', ...summarize(samples) }];
  },
});
