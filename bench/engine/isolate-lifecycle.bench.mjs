// Cold start of a guest: new isolate + context, compile and run `1+1`, dispose.
import { defineBench } from '../lib/runner.mjs';
import { cpuRow, summarize, timeSync, timeSyncWithCpu } from '../lib/measure.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'isolate-lifecycle',
  title: 'new isolate + context + run `1+1` + dispose',
  targets: { time: { ratioMax: 0.8 } },
  run({ impl, engine, iterations }) {
    const n = iterations(2000);
    if (impl === 'node:vm') {
      // node:vm has no isolate of its own: the closest thing is a new context in Node's isolate.
      const samples = timeSync(n, 100, () => {
        const context = engine.createContext();
        if (engine.runInContext('1+1', context) !== 2) throw new Error('node:vm: 1+1 !== 2');
      });
      return [{ metric: 'time', unit: 'ns', ...summarize(samples), note: 'no isolate: context + run only' }];
    }
    const { samples, cpuPerOperation } = timeSyncWithCpu(n, 100, () => {
      const isolate = new engine.Isolate({ memoryLimit: 128 });
      const context = isolate.createContextSync();
      const result = isolate.compileScriptSync('1+1').runSync(context);
      isolate.dispose();
      if (result !== 2) throw new Error(`1+1 gave ${result}`);
    });
    return [{ metric: 'time', unit: 'ns', ...summarize(samples) }, cpuRow(cpuPerOperation, 'cycle')];
  },
});
