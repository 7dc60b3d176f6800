// How far past `memoryLimit` a hostile guest gets: peak RSS growth of the process over the limit.
// Every bomb runs in its own child; the parent watches that child's memory from outside, kills it
// at a cap, and reports a dead child as "crashed" with the peak it saw.
import { defineBench, describeExit, emitInfo } from '../lib/runner.mjs';
import { procMemory, resetPeakRss, settle } from '../lib/measure.mjs';

const MEMORY_LIMIT_MB = 64;
const LIMIT_BYTES = MEMORY_LIMIT_MB * 2 ** 20;
const RSS_CAP_BYTES = 1024 * 2 ** 20; // far past any sane overshoot; protects the machine
const RUN_TIMEOUT_MS = 60_000;

const BOMBS = {
  // Many small arrays held by arrays: the V8 heap grows by young- and old-space objects.
  'heap-arrays': `const keep = [];
    for (;;) {
      const inner = [];
      for (let i = 0; i < 1024; i++) inner.push([i, i + 1]);
      keep.push(inner);
    }`,
  // A flat string doubled again and again (join flattens it), every generation kept alive.
  'string-doubling': `const keep = [];
    let s = 'x';
    for (let round = 0; ; round++) {
      s = [s, s].join('');
      keep.push(s);
      if (s.length >= 2 ** 26) s = String(round); // stay under V8's maximum string length
    }`,
  // One huge allocation request.
  'array-fill': `const keep = [];
    for (;;) keep.push(new Array(1e8).fill(0));`,
  // Off-heap memory: 2 MB Uint8Arrays with every page touched (the API document's example).
  arraybuffer: `const keep = [];
    const twoMegabytes = 1024 * 1024 * 2;
    for (;;) {
      const array = new Uint8Array(twoMegabytes);
      for (let ii = 0; ii < twoMegabytes; ii += 4096) array[ii] = 1;
      keep.push(array);
    }`,
};

const overshootRow = (baseline, peak, outcome, note) => ({
  metric: 'overshoot',
  unit: 'x',
  median: (peak - baseline) / LIMIT_BYTES,
  outcome,
  note: `RSS +${((peak - baseline) / 2 ** 20).toFixed(0)} MB over a ${MEMORY_LIMIT_MB} MB limit${note ? `; ${note}` : ''}`,
});

export default defineBench({
  file: import.meta.url,
  name: 'memory-limit',
  title: `peak RSS growth / memoryLimit (${MEMORY_LIMIT_MB} MB) for a hostile guest`,
  impls: ['isolated-vm', 'isorun'],
  variants: Object.keys(BOMBS),
  rounds: 1,
  targets: { overshoot: { max: 1.25 } },
  monitor: () => ({ rssCapBytes: RSS_CAP_BYTES, timeoutMs: RUN_TIMEOUT_MS + 30_000 }),
  async run({ engine, variant }) {
    const isolate = new engine.Isolate({ memoryLimit: MEMORY_LIMIT_MB });
    const context = isolate.createContextSync();
    const script = isolate.compileScriptSync(BOMBS[variant], { filename: `${variant}.js` });
    await settle(200);
    const baseline = procMemory().rss;
    const peakWasReset = resetPeakRss();
    emitInfo({ baseline });
    const start = process.hrtime.bigint();
    let outcome;
    try {
      await script.run(context, { timeout: RUN_TIMEOUT_MS });
      outcome = 'not stopped: the bomb returned';
    } catch (error) {
      outcome = `stopped: ${String(error?.message ?? error)
        .split('\n')[0]
        .slice(0, 90)}`;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const peak = peakWasReset ? procMemory().hwm : NaN;
    if (!isolate.isDisposed) isolate.dispose();
    return [overshootRow(baseline, peak, outcome, `after ${seconds.toFixed(1)} s`)];
  },
  onChildExit(child) {
    const rows = child.rows.filter((row) => row.metric === 'overshoot' && !Number.isNaN(row.median));
    if (rows.length > 0) return rows;
    if (child.rows.some((row) => row.outcome === 'not built')) return child.rows;
    // No figure from the child (it died, or could not read its peak): use what the parent saw.
    const baseline = child.info.baseline;
    if (baseline === undefined) return [{ outcome: describeExit(child) }];
    const outcome = child.rows[0]?.outcome ?? describeExit(child);
    return [overshootRow(baseline, child.peakRss, outcome, 'peak as polled by the harness')];
  },
});
