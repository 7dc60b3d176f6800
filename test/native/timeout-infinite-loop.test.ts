// Pins: `timeout` ends `while (true) {}` from runSync and run with `Script execution timed out.`
// within timeout + 20 ms (median, measured against a self-ending run under the same load; see
// helpers), and the isolate stays usable with its state intact.
import t from 'tap';
import { sandbox, evalSync, expectTimesOut } from './helpers';

t.test('while (true) {} times out and the isolate keeps its state', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.kept = { n: 1, list: [1, 2, 3] }');
  await expectTimesOut(t, isolate, context, 'kept.n++; while (true) {}');
  t.equal(evalSync(isolate, context, 'kept.list.join()'), '1,2,3', 'state intact');
  t.equal(evalSync(isolate, context, 'kept.n'), 11, 'and includes what the runs did before they were stopped');
  t.equal(
    await isolate.compileScriptSync('kept.n * 2').run(context, { timeout: 1000 }),
    22,
    'usable with a timeout again',
  );
});

t.test('a timed-out function call leaves other contexts of the isolate alone', async (t) => {
  const { isolate, context } = sandbox(t);
  const other = isolate.createContextSync();
  evalSync(isolate, other, 'globalThis.mine = "other"');
  await expectTimesOut(t, isolate, context, 'for (;;) {}', { times: 3 });
  t.equal(evalSync(isolate, other, 'mine'), 'other');
});
