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

/**
 * The same split over Node worker_threads, timed from the moment every worker is up (a worker takes
 * ~30 ms to start, which would swamp the sum): how much parallelism the machine offers right now.
 */
async function sumInWorkers(numThreads) {
  const source = `const { parentPort } = require('node:worker_threads');
    ${sum}
    parentPort.on('message', ({ min, max }) => parentPort.postMessage(sum(min, max)));
    parentPort.postMessage('ready');`;
  const workers = await Promise.all(
    Array.from({ length: numThreads }, () => {
      const worker = new Worker(source, { eval: true });
      return new Promise((resolve, reject) => worker.once('message', () => resolve(worker)).once('error', reject));
    }),
  );
  try {
    return await timed(async () => {
      const sums = await Promise.all(
        workers.map((worker, ii) => {
          const range = { min: Math.floor((NUM / numThreads) * ii), max: Math.floor((NUM / numThreads) * (ii + 1)) };
          const result = new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
          worker.postMessage(range);
          return result;
        }),
      );
      if (sums.reduce((a, b) => a + b, 0) !== EXPECTED) throw new Error('worker_threads sum is wrong');
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
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
      controls.push((await sumInWorkers(1)) / (await sumInWorkers(4)));
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
