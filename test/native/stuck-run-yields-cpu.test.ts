// Pins: a run that outlives its deadline because V8 is inside a native loop that never checks for
// termination (sorting a 128 MB Float64Array: about 2 s in C++) drops its thread to nice 19 soon after
// the deadline, so that it takes the CPU from no other job; a run that is merely long, within its
// deadline, stays at the pool's long-job priority (nice 10). Afterwards the thread runs at full
// priority again. Before, such a stuck run kept nice 10: tens of them held most of the machine.
// Linux only (/proc).
import t from 'tap';
import { engineThreads, evalSync, prepareStuckSort, sandbox } from './helpers';

/** The nice value (field 19) of each of this process's engine threads. */
const engineNice = (): number[] => engineThreads().map(({ stat }) => Number(stat[16]));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test(
  'a run stuck past its deadline yields the CPU, and its thread recovers',
  { skip: process.platform !== 'linux' },
  async (t) => {
    const { isolate, context } = sandbox(t, { memoryLimit: 256 });
    prepareStuckSort(isolate, context);
    const stuck = isolate.compileScriptSync('a.sort(); 1').run(context, { timeout: 100 });
    await sleep(500);
    t.ok(engineNice().includes(19), `an engine thread runs at nice 19 while stuck: ${engineNice()}`);
    await t.rejects(stuck, /timed out/);
    let after = engineNice();
    for (let wait = 0; wait < 50 && after.includes(19); wait++) {
      await sleep(20);
      after = engineNice();
    }
    t.notOk(after.includes(19), `no engine thread stays at nice 19 afterwards: ${after}`);
    t.equal(evalSync(isolate, isolate.createContextSync(), '6 * 7'), 42, 'the isolate goes on');
  },
);

t.test(
  'a long run within its deadline keeps the long-job priority',
  { skip: process.platform !== 'linux' },
  async (t) => {
    const { isolate, context } = sandbox(t);
    const long = isolate
      .compileScriptSync('const end = Date.now() + 600; while (Date.now() < end); 1')
      .run(context, { timeout: 5000 });
    await sleep(300);
    const during = engineNice();
    t.ok(during.includes(10), `the long run is at nice 10: ${during}`);
    t.notOk(during.includes(19), 'and not at 19');
    t.equal(await long, 1);
  },
);

t.test(
  'engine threads run as SCHED_BATCH, so that waking one does not preempt Node’s thread',
  { skip: process.platform !== 'linux' },
  async (t) => {
    const { isolate, context } = sandbox(t);
    await isolate.compileScriptSync('1').run(context);
    // Field 41 is the scheduling policy (3: SCHED_BATCH).
    const policies = engineThreads().map(({ stat }) => Number(stat[38]));
    t.ok(policies.length > 0, 'engine threads found');
    t.ok(
      policies.every((policy) => policy === 3),
      `policies: ${policies}`,
    );
  },
);
