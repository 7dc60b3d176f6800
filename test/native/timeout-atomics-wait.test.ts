// Pins: `timeout` ends a guest blocked in `Atomics.wait` on a SharedArrayBuffer nobody will
// notify, with `Script execution timed out.`, and the isolate stays usable.
import t from 'tap';
import { sandbox, evalSync, expectTimesOut } from './helpers';

t.test('Atomics.wait forever times out', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.cell = new Int32Array(new SharedArrayBuffer(4)); globalThis.kept = 7');
  await expectTimesOut(t, isolate, context, 'Atomics.wait(cell, 0, 0)');
  t.equal(evalSync(isolate, context, 'kept'), 7);
  t.equal(evalSync(isolate, context, 'Atomics.wait(cell, 0, 1)'), 'not-equal', 'Atomics works afterwards');
});

t.test('Atomics.wait with its own long timeout is cut short too', async (t) => {
  const { isolate, context } = sandbox(t);
  await expectTimesOut(t, isolate, context, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000)', {
    times: 3,
  });
});
