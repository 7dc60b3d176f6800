// Making the library's snapshot, and how big it is: from the scripts alone, and with the warm-up
// script that compiles the hot functions (what the boot benchmarks use).
import { defineBench } from '../lib/runner.mjs';
import { summarize, timeSync } from '../lib/measure.mjs';
import { LIBRARY_SCRIPTS, WARMUPS_CHECKED, checkSnapshot, outcomeOf, takeSnapshot } from './common.mjs';
import { WARMUP_SOURCE } from './library.mjs';

/** Boots from a snapshot taken with each warm-up and says which compute wrong results. */
function correctness(engine) {
  const verdicts = Object.entries(WARMUPS_CHECKED).map(([label, warmup]) => {
    try {
      const snapshot = engine.Isolate.createSnapshot(LIBRARY_SCRIPTS, ...(warmup === undefined ? [] : [warmup]));
      const verdict = checkSnapshot(engine, snapshot);
      return verdict === undefined ? undefined : `${label}: ${verdict.replace(/^wrong results: /, '').slice(0, 110)}`;
    } catch (error) {
      return `${label}: createSnapshot threw ${String(error?.message ?? error)
        .split('\n')[0]
        .slice(0, 80)}`;
    }
  });
  const wrong = verdicts.filter(Boolean);
  return {
    metric: 'correctness',
    outcome: wrong.length === 0 ? 'correct' : `wrong results with ${wrong.join(' | ')}`,
    note: `checked warm-ups: ${Object.keys(WARMUPS_CHECKED).join(', ')}`,
  };
}

function measure(engine, n, warmup) {
  const make = () => engine.Isolate.createSnapshot(LIBRARY_SCRIPTS, ...warmup);
  const size = make().copy().byteLength;
  const samples = timeSync(n, 3, make);
  return { samples, size };
}

export default defineBench({
  file: import.meta.url,
  name: 'create-snapshot',
  title: 'Isolate.createSnapshot of the ~100 KB library, and its size',
  impls: ['isolated-vm', 'isorun'],
  targets: { time: { max: 15e6 }, size: { max: 500 * 1024 } },
  run({ engine, iterations }) {
    const n = iterations(100);
    const { snapshot, warm, note } = takeSnapshot(engine);
    const outcome = outcomeOf(checkSnapshot(engine, snapshot), 0, 0);
    const plain = measure(engine, n, []);
    const rows = [
      { metric: 'time', unit: 'ns', ...summarize(plain.samples), note: 'scripts only' },
      { metric: 'size', unit: 'bytes', median: plain.size, n: 1, note: 'scripts only' },
    ];
    rows.push(correctness(engine));
    if (!warm) return [...rows, { metric: 'time with warm-up', outcome, note }];
    const warmed = measure(engine, n, [WARMUP_SOURCE]);
    return [
      ...rows,
      { metric: 'time with warm-up', unit: 'ns', ...summarize(warmed.samples), outcome },
      { metric: 'size with warm-up', unit: 'bytes', median: warmed.size, n: 1, outcome },
    ];
  },
});
