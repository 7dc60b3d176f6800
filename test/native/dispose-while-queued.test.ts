// Pins: disposing an isolate with async work still queued behind a running call rejects every
// queued promise (runs, compiles, contexts, heap statistics, reference gets) instead of leaving
// them pending or running them, and never crashes.
import t from 'tap';
import { Isolate } from './engine';
import { settlesWithin } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('queued work behind a spinning run is rejected', async (t) => {
  const isolate = new Isolate();
  const context = isolate.createContextSync();
  isolate.compileScriptSync('globalThis.sideEffects = 0').runSync(context);
  // Compiled first: a sync call waits for the isolate's lock, which the spinning run holds.
  const bump = isolate.compileScriptSync('++sideEffects');
  const spinning = isolate.compileScriptSync('while (true) {}').run(context);
  const queued: Array<[string, Promise<unknown>]> = [
    ...Array.from({ length: 10 }, (_, i): [string, Promise<unknown>] => [`run ${i}`, bump.run(context)]),
    ['compileScript', isolate.compileScript('1')],
    ['createContext', isolate.createContext()],
    ['getHeapStatistics', isolate.getHeapStatistics()],
    ['global.get', context.global.get('sideEffects')],
    ['global.set', context.global.set('x', 1)],
  ];
  bump.runIgnored(context);
  // Handled from the start: the rejections arrive together, before the loop below awaits each one.
  for (const promise of [spinning, ...queued.map(([, promise]) => promise)]) promise.catch(() => {});
  await sleep(50);
  isolate.dispose();
  await t.rejects(settlesWithin(spinning, 5000, 'the spinning run'), { message: /dispos/i }, 'the running call');
  for (const [name, promise] of queued) {
    await t.rejects(settlesWithin(promise, 5000, name), { message: /dispos/i }, name);
  }
});

t.test('dispose right after queuing, before anything started', async (t) => {
  for (let i = 0; i < 20; i++) {
    const isolate = new Isolate();
    const context = isolate.createContextSync();
    const script = isolate.compileScriptSync('1');
    const runs = Array.from({ length: 5 }, () => script.run(context));
    for (const run of runs) run.catch(() => {});
    isolate.dispose();
    const outcomes = await Promise.allSettled(runs.map((run, n) => settlesWithin(run, 5000, `run ${n}`)));
    for (const outcome of outcomes) {
      // A run the engine had already started may finish; none may hang or fail for another reason.
      if (outcome.status === 'rejected') t.match(outcome.reason, { message: /dispos/i });
      else t.equal(outcome.value, 1);
    }
  }
});

t.test('the process is healthy afterwards', async (t) => {
  const isolate = new Isolate();
  t.equal(await isolate.compileScriptSync('"alive"').run(isolate.createContextSync()), 'alive');
  isolate.dispose();
});
