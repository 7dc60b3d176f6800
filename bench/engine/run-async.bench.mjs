// Async round trip: queue a precompiled trivial script to the engine's threads and await it.
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeAsync } from '../lib/measure.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'run-async',
  title: 'async run round trip, precompiled trivial script',
  impls: ['isolated-vm', 'isorun'],
  targets: { time: { max: 15_000 } },
  async run({ engine, iterations }) {
    const isolate = new engine.Isolate({ memoryLimit: 128 });
    const context = isolate.createContextSync();
    const script = isolate.compileScriptSync('1+1');
    const samples = await timeAsync(iterations(20_000), 1000, async () => {
      if ((await script.run(context)) !== 2) throw new Error('1+1 !== 2');
    });
    isolate.dispose();
    return [{ metric: 'time', unit: 'ns', ...summarize(samples) }];
  },
});
