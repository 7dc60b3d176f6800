// Resident memory of an idle isolate with one context: create 1,000, divide the RSS growth.
// Each implementation runs in its own child process, so the baseline is clean.
import { defineBench } from '../lib/runner.mjs';
import { procMemory, settle } from '../lib/measure.mjs';

export default defineBench({
  file: import.meta.url,
  name: 'rss-per-isolate',
  title: 'RSS per idle isolate with one context (1,000 alive)',
  rounds: 1,
  targets: { rss: { max: 1.0 * 2 ** 20 } },
  async run({ impl, engine, quick }) {
    const count = quick ? 200 : 1000;
    const keep = [];
    // Load the implementation's code paths before the baseline, so only per-isolate memory counts.
    if (impl === 'node:vm') engine.runInContext('1', engine.createContext());
    else {
      const warm = new engine.Isolate();
      warm.compileScriptSync('1').runSync(warm.createContextSync());
      warm.dispose();
    }
    await settle(300);
    const before = procMemory().rss;
    for (let i = 0; i < count; i++) {
      if (impl === 'node:vm') {
        keep.push(engine.createContext());
      } else {
        const isolate = new engine.Isolate({ memoryLimit: 128 });
        keep.push([isolate, isolate.createContextSync()]);
      }
    }
    await settle(300);
    const after = procMemory().rss;
    if (impl !== 'node:vm') for (const [isolate] of keep) isolate.dispose();
    const perUnit = (after - before) / count;
    return [
      {
        metric: 'rss',
        unit: 'bytes',
        median: perUnit,
        n: count,
        note: `${((after - before) / 2 ** 20).toFixed(0)} MB over ${count}${impl === 'node:vm' ? ' contexts (no isolate)' : ''}`,
      },
    ];
  },
});
