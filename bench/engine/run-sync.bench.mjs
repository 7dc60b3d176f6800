// Sync round trip: enter the isolate on the calling thread, run a precompiled trivial script, leave.
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeSync } from '../lib/measure.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'run-sync',
  title: 'sync run round trip, precompiled trivial script',
  targets: { time: { max: 3_000 } },
  run({ impl, engine, iterations }) {
    const n = iterations(50_000);
    if (impl === 'node:vm') {
      const context = engine.createContext();
      const script = new engine.Script('1+1');
      const samples = timeSync(n, 5000, () => {
        if (script.runInContext(context) !== 2) throw new Error('1+1 !== 2');
      });
      return [{ metric: 'time', unit: 'ns', ...summarize(samples), note: 'same isolate, no lock or copy' }];
    }
    const isolate = new engine.Isolate({ memoryLimit: 128 });
    const context = isolate.createContextSync();
    const script = isolate.compileScriptSync('1+1');
    const samples = timeSync(n, 5000, () => {
      if (script.runSync(context) !== 2) throw new Error('1+1 !== 2');
    });
    isolate.dispose();
    return [{ metric: 'time', unit: 'ns', ...summarize(samples) }];
  },
});
