// Pins: V8 runs FinalizationRegistry callbacks as tasks of its own, outside any call, where no caller's
// timeout applies. They still run; one that runs past 200 ms is terminated and its isolate disposed,
// with calls failing on a message that says why. Before, `while (true) {}` in such a callback held the
// isolate forever, and a sync call from Node's thread waiting for it hung the whole process.
// isolated-vm 5.0.4 also hangs here (its async calls never settle).
import t from 'tap';
import { Isolate } from './engine';
import { evalSync, sandbox } from './helpers';

/** Registers 200 objects that die at once, then allocates until the collector has found them. */
const REGISTER = `
  (function () { for (let i = 0; i < 200; i++) registry.register({ i }, i); })();
  undefined`;
const CHURN = '{ let a = []; for (let i = 0; i < 2e5; i++) a.push({ i }); } undefined';

t.test('callbacks run and the isolate stays usable', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 32 });
  evalSync(
    isolate,
    context,
    'globalThis.cleaned = 0; globalThis.registry = new FinalizationRegistry(() => { cleaned++ })',
  );
  evalSync(isolate, context, REGISTER);
  const churn = isolate.compileScriptSync(CHURN);
  let cleaned = 0;
  for (let round = 0; round < 40 && cleaned === 0; round++) {
    await churn.run(context, { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    cleaned = evalSync(isolate, context, 'cleaned') as number;
  }
  t.ok(cleaned > 0, `callbacks ran (${cleaned})`);
  t.notOk(isolate.isDisposed, 'not disposed');
});

t.test('a callback that never returns ends its isolate, not the process', async (t) => {
  for (const variant of ['runSync', 'run'] as const) {
    const { isolate, context } = sandbox(t, { memoryLimit: 32 });
    evalSync(isolate, context, 'globalThis.registry = new FinalizationRegistry(() => { while (true) {} })');
    evalSync(isolate, context, REGISTER);
    const churn = isolate.compileScriptSync(CHURN);
    let failure: unknown;
    const started = Date.now();
    for (let round = 0; round < 40 && failure === undefined; round++) {
      try {
        await churn[variant](context, { timeout: 5000 });
      } catch (error) {
        failure = error;
      }
    }
    t.match(
      failure,
      { message: /^Isolate is disposed: .*FinalizationRegistry callback.* ran past 200 ms$/ },
      `${variant}: the call fails and says why`,
    );
    t.ok(Date.now() - started < 10_000, `${variant}: within seconds, not forever`);
    t.ok(isolate.isDisposed, `${variant}: isolate disposed`);
    await t.rejects(isolate.createContext(), /FinalizationRegistry/, `${variant}: later calls say it too`);
  }
  const fresh = new Isolate({ memoryLimit: 32 });
  t.equal(evalSync(fresh, fresh.createContextSync(), '6 * 7'), 42, 'other isolates work');
  fresh.dispose();
});
