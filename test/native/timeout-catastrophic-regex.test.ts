// Pins: `timeout` ends a catastrophically backtracking regular expression with `Script execution
// timed out.`, and the isolate stays usable with its state intact.
import t from 'tap';
import { sandbox, evalSync, expectTimesOut } from './helpers';

t.test('(a+)+b against a long run of a', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.kept = "intact"');
  await expectTimesOut(t, isolate, context, '/(a+)+b/.test("a".repeat(40))');
  t.equal(evalSync(isolate, context, 'kept'), 'intact');
  t.equal(evalSync(isolate, context, '/(a+)+b/.test("aab")'), true, 'regular expressions still work');
});

t.test('a backtracking replace inside a loop', async (t) => {
  const { isolate, context } = sandbox(t);
  await expectTimesOut(t, isolate, context, 'for (;;) "x".repeat(30).replace(/(x+x+)+y/, "")', { times: 3 });
});
