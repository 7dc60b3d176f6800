// Pins: a context of a snapshot-booted isolate starts as if the snapshot's scripts had run in it the
// way createSnapshot ran them, microtasks included: the jobs each script queued (promise reactions)
// have run before the next script and before the first call, in that context only. The replay is
// bounded like the build: a script whose jobs never end at boot fails createContext with an error
// naming the script and where it was running, instead of holding an engine thread forever.
import t from 'tap';
import { Isolate } from './engine';

const queues = 'var done = false; Promise.resolve().then(() => { done = true })';

t.test('the first run sees the jobs the snapshot queued', async (t) => {
  const isolate = new Isolate({ snapshot: Isolate.createSnapshot([{ code: queues }]) });
  t.teardown(() => isolate.dispose());
  t.equal(isolate.compileScriptSync('done').runSync(isolate.createContextSync()), true, 'createContextSync');
  t.equal(await isolate.compileScriptSync('done').run(await isolate.createContext()), true, 'createContext');

  const plain = new Isolate();
  t.teardown(() => plain.dispose());
  const context = plain.createContextSync();
  plain.compileScriptSync(queues).runSync(context);
  t.equal(plain.compileScriptSync('done').runSync(context), true, 'as in a plain context that ran the script');
});

t.test("each script's jobs run before the next script, as when the snapshot was built", async (t) => {
  const snapshot = Isolate.createSnapshot([
    { filename: 'first.js', code: "var log = []; Promise.resolve().then(() => log.push('first job'))" },
    {
      filename: 'second.js',
      code: "log.push('second script'); (async () => { await null; log.push('second job') })()",
    },
  ]);
  const isolate = new Isolate({ snapshot });
  t.teardown(() => isolate.dispose());
  t.same(JSON.parse(isolate.compileScriptSync('JSON.stringify(log)').runSync(isolate.createContextSync()) as string), [
    'first job',
    'second script',
    'second job',
  ]);
});

t.test('each context runs its own copy of the jobs once', async (t) => {
  const snapshot = Isolate.createSnapshot([{ code: 'var runs = 0; Promise.resolve().then(() => { runs++ })' }]);
  const isolate = new Isolate({ snapshot });
  t.teardown(() => isolate.dispose());
  const a = isolate.createContextSync();
  const b = isolate.createContextSync();
  const runs = isolate.compileScriptSync('runs');
  t.equal(runs.runSync(a), 1);
  t.equal(runs.runSync(b), 1);
  t.equal(runs.runSync(a), 1, 'not again on a later call');
});

t.test('jobs that never end at boot fail createContext, naming the script', async (t) => {
  // Ends at build time, loops forever once `until` has passed: a replay that differs from the build.
  const until = Date.now() + 3000;
  const code = `const until = ${until}; Promise.resolve().then(() => { while (Date.now() > until); })`;
  const isolate = new Isolate({ snapshot: Isolate.createSnapshot([{ filename: 'late.js', code }]) });
  t.teardown(() => isolate.dispose());
  while (Date.now() <= until + 100) await new Promise((resolve) => setTimeout(resolve, 100));
  await t.rejects(isolate.createContext(), {
    message: /^snapshot script 'late\.js' ran past 5000 ms in a new context \(at late\.js:1:\d+\)$/,
  });
  t.equal(isolate.isDisposed, false, 'the isolate lives on');
  t.ok(isolate.getHeapStatisticsSync().used_heap_size > 0, 'and answers calls');
});
