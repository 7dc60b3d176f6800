// A request's worth of work in a warm isolate: fresh context, run a small function, JSON-shaped
// data copied in and out (structured clone both ways).
import assert from 'node:assert/strict';
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeSync } from '../lib/measure.mjs';
import { FUNCTION_SOURCE, contextJsonCall, expected, input } from './context-json-case.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'context-json',
  title: 'new context in a warm isolate + small function, JSON in/out',
  targets: { time: { ratioMax: 0.8 } },
  run({ impl, engine, iterations }) {
    const n = iterations(3000);
    if (impl === 'node:vm') {
      const script = new engine.Script(FUNCTION_SOURCE);
      const samples = timeSync(n, 100, (i) => {
        const handler = script.runInContext(engine.createContext());
        const output = structuredClone(handler(structuredClone(input(i))));
        if (output.total !== 39) throw new Error('node:vm: wrong total');
      });
      return [{ metric: 'time', unit: 'ns', ...summarize(samples), note: 'contexts in Node’s own isolate' }];
    }
    const isolate = new engine.Isolate({ memoryLimit: 128 });
    const script = isolate.compileScriptSync(FUNCTION_SOURCE, { filename: 'handler.js' });
    const call = contextJsonCall(isolate, script);
    assert.deepEqual(call(1), expected(1));
    const samples = timeSync(n, 100, (i) => {
      if (call(i).total !== 39) throw new Error('wrong total');
    });
    isolate.dispose();
    return [{ metric: 'time', unit: 'ns', ...summarize(samples) }];
  },
});
