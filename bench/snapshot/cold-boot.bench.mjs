// The same guest without a snapshot: new isolate + context, compile and run the library, one call.
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeSync } from '../lib/measure.mjs';
import { CALL_SOURCE, EXPECTED, LIBRARY_SCRIPTS } from './common.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'cold-boot',
  title: 'new isolate + compile and run the library + one call + dispose',
  impls: ['isolated-vm', 'isorun'],
  run({ engine, iterations }) {
    const [library] = LIBRARY_SCRIPTS;
    const samples = timeSync(iterations(1000), 20, () => {
      const isolate = new engine.Isolate({ memoryLimit: 128 });
      const context = isolate.createContextSync();
      isolate.compileScriptSync(library.code, { filename: library.filename }).runSync(context);
      const result = isolate.compileScriptSync(CALL_SOURCE).runSync(context);
      isolate.dispose();
      if (result !== EXPECTED.call) throw new Error(`lib.call(42) gave ${result}, expected ${EXPECTED.call}`);
    });
    return [{ metric: 'time', unit: 'ns', ...summarize(samples) }];
  },
});
