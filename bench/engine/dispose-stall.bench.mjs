// One tenant's disposal must not stall another's calls: while six large isolates (~20 MB of heap
// each) are disposed one after another, another isolate answers async calls back to back. The row is
// the slowest of those calls in each round (median over rounds): a teardown that holds a thread the
// calls need shows up here.
import { defineBench } from '../lib/runner.mjs';
import { summarize } from '../lib/measure.mjs';

const FILL = 'globalThis.keep = []; for (let i = 0; i < 3e5; i++) keep.push({ i, s: "x" + i });';
const LARGE = 6;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const turn = () => new Promise((resolve) => setImmediate(resolve));

export default defineBench({
  file: import.meta.url,
  name: 'dispose-stall',
  title: 'slowest async call of another isolate while large isolates are disposed',
  impls: ['isolated-vm', 'isorun'],
  async run({ engine, iterations }) {
    const busy = new engine.Isolate({ memoryLimit: 128 });
    const context = busy.createContextSync();
    const script = busy.compileScriptSync('1+1');
    const slowest = [];
    // iterations() gives at least 20 per child: a round is six disposals, so a tenth of that here.
    for (let round = 0; round < Math.max(5, Math.round(iterations(30) / 10)); round++) {
      const large = Array.from({ length: LARGE }, () => {
        const isolate = new engine.Isolate({ memoryLimit: 128 });
        const filled = isolate.createContextSync();
        isolate.compileScriptSync(FILL).runSync(filled);
        filled.release();
        return isolate;
      });
      let stop = false;
      let worst = 0;
      const calls = (async () => {
        while (!stop) {
          const start = process.hrtime.bigint();
          if ((await script.run(context)) !== 2) throw new Error('1+1 !== 2');
          worst = Math.max(worst, Number(process.hrtime.bigint() - start));
        }
      })();
      await pause(20);
      for (const isolate of large) {
        isolate.dispose();
        await turn();
      }
      await pause(150);
      stop = true;
      await calls;
      slowest.push(worst);
    }
    busy.dispose();
    return [
      { metric: 'time', unit: 'ns', ...summarize(slowest), note: `slowest call per round, ${LARGE} disposals each` },
    ];
  },
});
