// Pins: Node's thread never waits for an engine thread, neither to post a call nor to take its result,
// however slowly the OS schedules the engine's threads. Here the engine threads run at nice 19 while two
// busy workers take both cores, so an engine thread may sit preempted for milliseconds anywhere.
// Before:
// - posting woke threads through a condition variable, whose notify can wait until threads woken
//   earlier have run (glibc's group switch), under a mutex shared with the pool's monitor; in a server
//   at 1,000 req/s one `createContext()` call in ten held Node's thread 0.4-1 ms;
// - results came home through a Node-API thread-safe function, whose mutex an engine thread holds while
//   it signals the event loop: Node's thread sat in that mutex 3-10% of the time here.
// Linux only (/proc).
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import t, { type Test } from 'tap';
import { Isolate, peer } from './engine';

const skip = process.platform !== 'linux' ? 'Linux only' : peer ? "isorun's engine threads only" : false;
const FUTEX: Partial<Record<string, number>> = { x64: 202, arm64: 98 };

function lowerEngineThreads(): void {
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      if (/^isorun-(engine|extra)/.test(fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8'))) {
        os.setPriority(Number(tid), 19);
      }
    } catch {
      // the thread exited meanwhile
    }
  }
}

/** 64 idle isolates with a call ready, and two workers that keep both cores busy. */
async function crowded(t: Test) {
  const isolates = Array.from({ length: 64 }, () => new Isolate({ memoryLimit: 16 }));
  t.teardown(() => isolates.forEach((isolate) => isolate.dispose()));
  const calls = isolates.map((isolate) => ({
    context: isolate.createContextSync(),
    script: isolate.compileScriptSync('1'),
  }));
  const hogs = [0, 1].map(() => new Worker('for (;;) {}', { eval: true }));
  t.teardown(() => Promise.all(hogs.map((hog) => hog.terminate())));
  await new Promise((resolve) => setTimeout(resolve, 100));
  return () => {
    lowerEngineThreads(); // each round: the pool may have started threads
    return calls.map(({ context, script }) => script.run(context));
  };
}

t.test("posting calls does not make Node's thread wait", { skip }, async (t) => {
  const post = await crowded(t);
  const sleeps = () =>
    Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(fs.readFileSync('/proc/thread-self/status', 'utf8'))![1]);
  let slept = 0;
  for (let round = 0; round < 20; round++) {
    // Only the posts are counted: the first await below is where the thread may sleep.
    const before = sleeps();
    const results = post();
    slept += sleeps() - before;
    t.same(await Promise.all(results), Array(64).fill(1));
  }
  // The queue's lock (held for a few instructions) and malloc's can still be contended now and then:
  // 0 in every run here, 5 under AddressSanitizer's allocator; the old pool slept 13-15 times.
  t.ok(slept <= 4, `Node's thread slept ${slept} times while posting 1,280 calls`);
});

t.test(
  "taking results does not make Node's thread wait",
  { skip: skip || (FUTEX[process.arch] === undefined ? `no futex number for ${process.arch}` : false) },
  async (t) => {
    const post = await crowded(t);
    // A third worker samples what Node's thread is doing while it waits for results (posting is the
    // test above): blocked in futex() means waiting on a lock.
    const counts = new Int32Array(new SharedArrayBuffer(16)); // [stop, in futex, samples, sampling]
    const sampler = new Worker(
      `const fs = require('node:fs');
      const { pid, counts, futex } = require('node:worker_threads').workerData;
      const path = '/proc/' + pid + '/task/' + pid + '/syscall';
      while (Atomics.load(counts, 0) === 0) {
        if (Atomics.load(counts, 3) === 0) continue;
        if (fs.readFileSync(path, 'utf8').startsWith(futex + ' ')) Atomics.add(counts, 1, 1);
        Atomics.add(counts, 2, 1);
      }`,
      { eval: true, workerData: { pid: process.pid, counts, futex: FUTEX[process.arch] } },
    );
    t.teardown(() => sampler.terminate());
    for (let round = 0; round < 40; round++) {
      const results = post();
      Atomics.store(counts, 3, 1);
      const values = await Promise.all(results);
      Atomics.store(counts, 3, 0);
      t.same(values, Array(64).fill(1));
    }
    Atomics.store(counts, 0, 1);
    const inFutex = Atomics.load(counts, 1);
    const samples = Atomics.load(counts, 2);
    t.ok(samples > 1000, `${samples} samples`);
    // A garbage collection of Node's own heap may wait on V8's helper threads now and then.
    t.ok(inFutex <= samples / 500, `Node's thread was in futex() in ${inFutex} of ${samples} samples`);
  },
);
