// Pins: `timeout` also covers the microtask queue: a script that returns at once but leaves an
// endless chain of promise jobs is stopped with `Script execution timed out.` (runSync and run),
// and the isolate stays usable with its state intact afterwards (no leftover jobs run later).
import t from 'tap';
import { sandbox, evalSync, expectTimesOut } from './helpers';

t.test('an endless promise chain times out', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.kept = "intact"; globalThis.ticks = 0');
  await expectTimesOut(
    t,
    isolate,
    context,
    'function again() { ticks++; Promise.resolve().then(again) } again(); "returned"',
  );
  t.equal(evalSync(isolate, context, 'kept'), 'intact');
  const ticks = evalSync(isolate, context, 'ticks');
  t.equal(evalSync(isolate, context, 'ticks'), ticks, 'no stale jobs run in later calls');
  t.equal(await isolate.compileScriptSync('"usable"').run(context, { timeout: 1000 }), 'usable');
});

t.test('an async function awaiting forever in a loop times out', async (t) => {
  const { isolate, context } = sandbox(t);
  await expectTimesOut(t, isolate, context, '(async () => { for (;;) await null })(); 1', { times: 3 });
  t.equal(evalSync(isolate, context, '2 + 2'), 4);
});
