// Pins: dispose() does not wait for a call stuck in a built-in that never checks for termination
// (sorting a 128 MB Float64Array runs in V8's C++ for about 2 s). The thread running it frees the
// isolate when the built-in returns; the caller, often Node's thread, goes on.
// Before, dispose() spun on Node's thread until the built-in returned.
import t from 'tap';
import { Isolate } from './engine';
import { evalSync, prepareStuckSort, sandbox } from './helpers';

t.test('dispose returns while a call is stuck in a built-in', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 256 });
  prepareStuckSort(isolate, context);
  const stuck = isolate.compileScriptSync('a.sort(); 1').run(context, { timeout: 100 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  isolate.dispose();
  t.ok(Date.now() - started < 1000, `dispose() returned after ${Date.now() - started} ms`);
  t.ok(isolate.isDisposed, 'disposed');
  t.throws(() => isolate.createContextSync(), /disposed/, 'later calls fail at once');
  const other = new Isolate();
  t.equal(evalSync(other, other.createContextSync(), '6 * 7'), 42, 'other isolates work meanwhile');
  other.dispose();
  await t.rejects(stuck, 'the stuck call fails once the built-in returns');
});
