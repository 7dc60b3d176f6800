// Pins: Node's thread never sleeps while it posts engine calls, however slowly the OS schedules the
// engine's threads. Before, it woke them through a condition variable, whose notify can wait until
// threads woken earlier have run (glibc's group switch), and shared one mutex with the pool monitor:
// in a server at 1,000 req/s, one `createContext()` call in ten held Node's thread 0.4-1 ms.
// Here the engine threads run at nice 19 while two busy workers take both cores, so a woken engine
// thread waits long for a CPU; Node's thread posts to 64 idle isolates at once and counts its own
// voluntary context switches (sleeps) meanwhile. Linux only (/proc).
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import t from 'tap';
import { Isolate, peer } from './engine';

const sleeps = () =>
  Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(fs.readFileSync('/proc/thread-self/status', 'utf8'))![1]);

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

t.test(
  "posting calls does not make Node's thread wait for engine threads",
  { skip: process.platform !== 'linux' ? 'Linux only' : peer ? 'isorun engine threads only' : false },
  async (t) => {
    const isolates = Array.from({ length: 64 }, () => new Isolate({ memoryLimit: 16 }));
    t.teardown(() => isolates.forEach((isolate) => isolate.dispose()));
    const calls = isolates.map((isolate) => ({
      context: isolate.createContextSync(),
      script: isolate.compileScriptSync('1'),
    }));
    const hogs = [0, 1].map(() => new Worker('for (;;) {}', { eval: true }));
    t.teardown(() => Promise.all(hogs.map((hog) => hog.terminate())));
    await new Promise((resolve) => setTimeout(resolve, 100));
    let slept = 0;
    for (let round = 0; round < 20; round++) {
      lowerEngineThreads(); // again each round: the pool may have started threads
      const before = sleeps();
      const results = calls.map(({ context, script }) => script.run(context));
      slept += sleeps() - before;
      t.same(await Promise.all(results), Array(64).fill(1));
    }
    // The queue's own lock can still be contended for a few instructions; the old pool slept 13-15 times.
    t.ok(slept <= 2, `Node's thread slept ${slept} times while posting 1,280 calls`);
  },
);
