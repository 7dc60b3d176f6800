// A guest booted from the library's snapshot: new isolate + context + one call + dispose.
import { defineBench } from '../lib/runner.mjs';
import { cpuRow, summarize, timeSyncWithCpu } from '../lib/measure.mjs';
import { CALL_SOURCE, EXPECTED, checkSnapshot, outcomeOf, takeSnapshot } from './common.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'snapshot-boot',
  title: 'new isolate from snapshot + context + one call + dispose',
  impls: ['isolated-vm', 'isorun'],
  targets: { time: { ratioMax: 0.8 } },
  run({ engine, iterations }) {
    const { snapshot, note } = takeSnapshot(engine);
    const verdict = checkSnapshot(engine, snapshot);
    let mismatches = 0;
    const n = iterations(2000);
    const { samples, cpuPerOperation } = timeSyncWithCpu(n, 50, () => {
      const isolate = new engine.Isolate({ snapshot, memoryLimit: 128 });
      const context = isolate.createContextSync();
      const result = isolate.compileScriptSync(CALL_SOURCE).runSync(context);
      isolate.dispose();
      if (result !== EXPECTED.call) mismatches++;
    });
    return [
      { metric: 'time', unit: 'ns', ...summarize(samples), outcome: outcomeOf(verdict, mismatches, n), note },
      cpuRow(cpuPerOperation, 'boot'),
    ];
  },
});
