// A request in a warm isolate booted from the library's snapshot: new context + one call.
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeSync } from '../lib/measure.mjs';
import { CALL_SOURCE, EXPECTED, checkSnapshot, outcomeOf, takeSnapshot } from './common.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'snapshot-context',
  title: 'new context in a warm snapshot isolate + one call',
  impls: ['isolated-vm', 'isorun'],
  targets: { time: { max: 600_000 } },
  run({ engine, iterations }) {
    const { snapshot, note } = takeSnapshot(engine);
    const verdict = checkSnapshot(engine, snapshot);
    const isolate = new engine.Isolate({ snapshot, memoryLimit: 128 });
    const script = isolate.compileScriptSync(CALL_SOURCE);
    let mismatches = 0;
    const n = iterations(3000);
    const samples = timeSync(n, 100, () => {
      const context = isolate.createContextSync();
      const result = script.runSync(context);
      context.release();
      if (result !== EXPECTED.call) mismatches++;
    });
    isolate.dispose();
    return [{ metric: 'time', unit: 'ns', ...summarize(samples), outcome: outcomeOf(verdict, mismatches, n), note }];
  },
});
