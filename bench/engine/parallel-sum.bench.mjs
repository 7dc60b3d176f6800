// The API document's parallelism example, as written there: sum 0..2^27 in four isolates at once
// (each built, given `sum` and run through async calls) against the same in one isolate.
import { Worker } from 'node:worker_threads';
import { releaseReference } from '../lib/impls.mjs';
import { defineBench } from '../lib/runner.mjs';
import { summarize } from '../lib/measure.mjs';

function sum(min, max) {
  let total = 0;
  for (let ii = min; ii < max; ++ii) total += ii;
  return total;
}

const NUM = 2 ** 27;
const EXPECTED = 9007199187632128;

async function sumInIsolates(ivm, numThreads) {
  const sums = await Promise.all(
    Array.from({ length: numThreads }, async (_, ii) => {
      const isolate = new ivm.Isolate();
      const context = await isolate.createContext();
      const jail = context.global;
      const script = await isolate.compileScript(String(sum));
      await script.run(context);
      // isolated-vm 5 hands a function back from get() as a host function that calls the guest
      // synchronously on this thread (no parallelism at all); a Reference is what the document means.
      const fnReference = await jail.get('sum', { reference: true });
      const min = Math.floor((NUM / numThreads) * ii);
      const max = Math.floor((NUM / numThreads) * (ii + 1));
      const result = await fnReference.apply(undefined, [min, max]);
      releaseReference(fnReference);
      isolate.dispose();
      return result;
    }),
  );
  const total = sums.reduce((a, b) => a + b, 0);
  if (total !== EXPECTED) throw new Error(`sum over ${numThreads} isolates gave ${total}`);
}

/** The same split over Node worker_threads: how much parallelism the machine offers right now. */
async function sumInWorkers(numThreads) {
  const source = `const { parentPort, workerData } = require('node:worker_threads');
    ${sum}
    parentPort.postMessage(sum(workerData.min, workerData.max));`;
  const sums = await Promise.all(
    Array.from({ length: numThreads }, (_, ii) => {
      const workerData = { min: Math.floor((NUM / numThreads) * ii), max: Math.floor((NUM / numThreads) * (ii + 1)) };
      const worker = new Worker(source, { eval: true, workerData });
      return new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    }),
  );
  if (sums.reduce((a, b) => a + b, 0) !== EXPECTED) throw new Error('worker_threads sum is wrong');
}

/** Median of a handful of rounds: too few for a p99. */
function fewRounds(values) {
  const { median, n } = summarize(values);
  return { median, n };
}

async function timed(operation) {
  const start = process.hrtime.bigint();
  await operation();
  return Number(process.hrtime.bigint() - start);
}

export default defineBench({
  file: import.meta.url,
  name: 'parallel-sum',
  title: 'sum 0..2^27: four isolates in parallel vs one isolate',
  impls: ['isolated-vm', 'isorun'],
  rounds: 1,
  targets: { speedup: { min: 1.8 } },
  async run({ engine, quick }) {
    const rounds = quick ? 3 : 7;
    await sumInIsolates(engine, 1); // warm the engine's threads and the host's code paths
    const single = [];
    const parallel = [];
    const speedups = [];
    const controls = [];
    for (let round = 0; round < rounds; round++) {
      const one = await timed(() => sumInIsolates(engine, 1));
      const four = await timed(() => sumInIsolates(engine, 4));
      single.push(one);
      parallel.push(four);
      speedups.push(one / four);
      controls.push((await timed(() => sumInWorkers(1))) / (await timed(() => sumInWorkers(4))));
    }
    const control = summarize(controls).median;
    const host = await timed(async () => sum(0, NUM));
    return [
      {
        metric: 'speedup',
        unit: 'x',
        ...fewRounds(speedups),
        note: `one isolate / four isolates; worker_threads control on this machine now: ${control.toFixed(2)}×`,
      },
      { metric: 'one isolate', unit: 'ns', ...fewRounds(single), note: `host JS alone: ${(host / 1e6).toFixed(0)} ms` },
      { metric: 'four isolates', unit: 'ns', ...fewRounds(parallel) },
    ];
  },
});
