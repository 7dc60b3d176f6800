// Pins: guest try/catch/finally cannot swallow a timeout: catch blocks never see the termination,
// a finally that spins or a loop that retries after catching is stopped anyway, and the run
// still ends with `Script execution timed out.`.
import t from 'tap';
import { sandbox, evalSync, expectTimesOut } from './helpers';

t.test('catch does not see the termination', async (t) => {
  const { isolate, context } = sandbox(t);
  await expectTimesOut(t, isolate, context, 'try { while (true) {} } catch (e) { globalThis.caught = String(e) }', {
    times: 3,
  });
  t.equal(evalSync(isolate, context, 'typeof caught'), 'undefined');
});

t.test('a spinning finally is stopped too', async (t) => {
  const { isolate, context } = sandbox(t);
  await expectTimesOut(
    t,
    isolate,
    context,
    'try { while (true) {} } finally { globalThis.finallyRan = true; while (true) {} }',
    { times: 3 },
  );
});

t.test('catching and retrying forever is stopped', async (t) => {
  const { isolate, context } = sandbox(t);
  await expectTimesOut(t, isolate, context, 'for (;;) { try { while (true) {} } catch {} finally { continue } }', {
    times: 3,
  });
});

t.test('a promise rejection handler cannot resurrect the run', async (t) => {
  const { isolate, context } = sandbox(t);
  await expectTimesOut(
    t,
    isolate,
    context,
    'Promise.resolve().then(() => { while (true) {} }).catch(() => { globalThis.recovered = true; while (true) {} }); 1',
    { times: 3 },
  );
  t.equal(evalSync(isolate, context, 'typeof recovered'), 'undefined');
  t.equal(evalSync(isolate, context, '"usable"'), 'usable');
});
