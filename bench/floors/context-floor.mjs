// How much of the `context-json` row is V8's own Context::New: per implementation, the full row (new
// context, run a function expression to a Reference, applySync with JSON copied in and out, release)
// against a bare createContextSync() + release(). Not part of `npm run bench`; run it on its own:
//   node bench/floors/context-floor.mjs [--impls isolated-vm,isorun]
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeSync } from '../lib/measure.mjs';
import { FUNCTION_SOURCE, contextJsonCall } from '../engine/context-json-case.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'context-floor',
  title: "context-json's row against a bare new context + release",
  impls: ['isolated-vm', 'isorun'],
  run({ impl, engine, iterations }) {
    const isolate = new engine.Isolate({ memoryLimit: 128 });
    const script = isolate.compileScriptSync(FUNCTION_SOURCE, { filename: 'handler.js' });
    const call = contextJsonCall(isolate, script);
    const n = iterations(6000);
    const row = timeSync(n, 300, (i) => {
      if (call(i).total !== 39) throw new Error(`${impl}: wrong total`);
    });
    const bare = timeSync(n, 100, () => isolate.createContextSync().release());
    isolate.dispose();
    return [
      { metric: 'context-json row', unit: 'ns', ...summarize(row) },
      { metric: 'bare context + release', unit: 'ns', ...summarize(bare) },
    ];
  },
});
