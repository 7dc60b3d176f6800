// Pins: `{ promise: true }` makes run/runSync wait for a returned promise and give its value
// (with `copy: true`, a structured clone of it); a rejected promise rejects the run with the
// guest's error; a promise that never settles runs into the timeout like any other run.
// runSync may return the value or a host promise of it (isolated-vm 5 returns a promise): both
// are accepted by awaiting the result.
// On isolated-vm 5.0.4 the never-settling promise is expected to fail: the timeout does not
// cover the wait, so the run stays pending forever.
import t from 'tap';
import { sandbox, settlesWithin } from './helpers';

t.test('run({ promise: true }) resolves to the promised value', async (t) => {
  const { isolate, context } = sandbox(t);
  const script = isolate.compileScriptSync(`
    (async () => {
      let total = 0;
      for (let i = 1; i <= 10; i++) total += await Promise.resolve(i);
      return total;
    })()`);
  t.equal(await script.run(context, { promise: true }), 55);
});

t.test('runSync({ promise: true }) returns the promised value', async (t) => {
  const { isolate, context } = sandbox(t);
  const result = isolate
    .compileScriptSync('Promise.resolve(20).then((n) => n + 1).then((n) => n * 2)')
    .runSync(context, { promise: true });
  t.equal(await result, 42);
});

t.test('without promise: true a promise is not transferable', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(await isolate.compileScriptSync('Promise.resolve(1)').run(context), undefined);
});

t.test('promise and copy together give a clone of the settled value', async (t) => {
  const { isolate, context } = sandbox(t);
  const value = (await isolate
    .compileScriptSync('Promise.resolve().then(() => ({ when: new Date(5), list: [1, 2] }))')
    .run(context, { promise: true, copy: true })) as { when: Date; list: number[] };
  t.ok(value.when instanceof Date);
  t.equal(value.when.getTime(), 5);
  t.same(value.list, [1, 2]);
});

t.test('a non-promise value passes straight through', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(await isolate.compileScriptSync('"plain"').run(context, { promise: true }), 'plain');
});

t.test('a rejected promise rejects the run with the guest error', async (t) => {
  const { isolate, context } = sandbox(t);
  await t.rejects(
    isolate
      .compileScriptSync('Promise.resolve().then(() => { throw new TypeError("nope") })')
      .run(context, { promise: true }),
    { name: 'TypeError', message: 'nope' },
  );
  await t.rejects(
    async () =>
      isolate.compileScriptSync('Promise.reject(new RangeError("sync nope"))').runSync(context, { promise: true }),
    {
      name: 'RangeError',
      message: 'sync nope',
    },
  );
  t.equal(isolate.compileScriptSync('1 + 1').runSync(context), 2, 'isolate usable after');
});

t.test('a promise that never settles runs into the timeout', async (t) => {
  const { isolate, context } = sandbox(t);
  const run = isolate.compileScriptSync('new Promise(() => {})').run(context, { promise: true, timeout: 100 });
  await t.rejects(settlesWithin(run, 5000, 'run of a never-settling promise'), {
    message: 'Script execution timed out.',
  });
  t.equal(await isolate.compileScriptSync('"usable"').run(context), 'usable');
});
