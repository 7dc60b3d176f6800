// Pins: `new Isolate()` only records the options; the V8 isolate is built by the first call that needs
// it, on the thread that runs that call: an engine thread for an async call, the caller for a sync one.
// Building one took Node's thread ~0.7 ms of CPU in the constructor (more when other threads were
// mapping or unmapping memory), which serialised the API document's four-isolate example and stalled a
// busy server whenever its pool replaced an isolate.
import t from 'tap';
import { Isolate, engineStats, peer } from './engine';
import { evalSync } from './helpers';

const skip = peer ? "isorun's engine only" : false;

t.test(
  'the constructor builds nothing; the first async call builds the isolate off this thread',
  { skip },
  async (t) => {
    const created = engineStats!().isolatesCreated;
    const isolates = Array.from({ length: 8 }, () => new Isolate({ memoryLimit: 32 }));
    t.equal(engineStats!().isolatesCreated, created, 'nothing built by the constructors');
    const contexts = await Promise.all(isolates.map((isolate) => isolate.createContext()));
    t.equal(engineStats!().isolatesCreated, created + 8, 'each first call built its isolate');
    const script = await isolates[0]!.compileScript('6 * 7');
    t.equal(await script.run(contexts[0]!), 42, 'the isolates work');
    isolates.forEach((isolate) => isolate.dispose());
  },
);

t.test('a sync call right after the constructor builds the isolate on the caller', { skip }, async (t) => {
  const isolate = new Isolate({ memoryLimit: 32 });
  t.teardown(() => isolate.dispose());
  t.equal(isolate.getHeapStatisticsSync().heap_size_limit > 0, true, 'heap statistics of the new isolate');
  t.equal(evalSync(isolate, isolate.createContextSync(), '1 + 1'), 2);
});

t.test('an isolate disposed before any call never builds anything', { skip }, async (t) => {
  const { isolatesCreated, isolatesDisposed } = engineStats!();
  const isolate = new Isolate({ memoryLimit: 32 });
  isolate.dispose();
  t.ok(isolate.isDisposed, 'disposed');
  t.throws(() => isolate.createContextSync(), /disposed/, 'sync calls fail at once');
  await t.rejects(isolate.createContext(), /disposed/, 'async calls fail');
  t.equal(engineStats!().isolatesCreated, isolatesCreated, 'nothing built');
  t.equal(engineStats!().isolatesDisposed, isolatesDisposed, 'nothing to free');
});

t.test('a call queued right before dispose() leaves nothing alive', { skip }, async (t) => {
  const alive = engineStats!().isolatesAlive;
  const isolate = new Isolate({ memoryLimit: 32 });
  const context = isolate.createContext();
  isolate.dispose();
  // It fails unless the OS held this thread for the ~0.7 ms the engine needs to build and run it.
  const outcome = await context.then(
    () => 'answered',
    (error: Error) => error.message,
  );
  t.match(outcome, /answered|disposed/, `the queued call: ${outcome}`);
  for (let wait = 0; wait < 50 && engineStats!().isolatesAlive !== alive; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.equal(engineStats!().isolatesAlive, alive, 'nothing left alive');
});
