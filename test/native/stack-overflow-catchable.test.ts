// Pins: unbounded recursion gives a catchable `RangeError: Maximum call stack size exceeded` on
// every thread the engine uses (runSync on Node's main thread, run on the engine's threads,
// several isolates recursing in parallel), never a native stack overflow; the guest can catch it
// and the isolate is usable afterwards.
import t from 'tap';
import { Isolate } from './engine';
import { sandbox, evalSync } from './helpers';

const caughtInGuest =
  'function down(n) { return down(n + 1) + 1 } try { down(0) } catch (e) { `${e.name}: ${e.message}` }';
const uncaught = 'function down(n) { return down(n + 1) + 1 } down(0)';
const expected = 'RangeError: Maximum call stack size exceeded';

t.test('runSync (Node main thread)', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(isolate.compileScriptSync(caughtInGuest).runSync(context), expected, 'the guest catches it');
  t.throws(() => isolate.compileScriptSync(uncaught).runSync(context), {
    name: 'RangeError',
    message: 'Maximum call stack size exceeded',
  });
  t.equal(evalSync(isolate, context, '1 + 1'), 2);
});

t.test('run (engine thread)', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(await isolate.compileScriptSync(caughtInGuest).run(context), expected, 'the guest catches it');
  await t.rejects(isolate.compileScriptSync(uncaught).run(context), {
    name: 'RangeError',
    message: 'Maximum call stack size exceeded',
  });
  t.equal(await isolate.compileScriptSync('1 + 1').run(context), 2);
});

t.test('recursion through getters, toString and JSON', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const code of [
    'const o = { get x() { return this.x } }; return o.x',
    'const o = { toString() { return `${o}` } }; return String(o)',
    'const o = { toJSON() { return JSON.stringify(o) } }; return JSON.stringify(o)',
    'let a = []; for (let i = 0; i < 1e6; i++) a = [a]; return JSON.stringify(a)',
  ]) {
    const script = isolate.compileScriptSync(`(() => { ${code} })()`);
    t.throws(() => script.runSync(context), { name: 'RangeError' }, `sync: ${code}`);
    await t.rejects(script.run(context), { name: 'RangeError' }, `async: ${code}`);
  }
});

t.test('eight isolates recursing in parallel', async (t) => {
  const isolates = Array.from({ length: 8 }, () => new Isolate());
  t.teardown(() => isolates.forEach((isolate) => isolate.dispose()));
  const results = await Promise.all(
    isolates.map(async (isolate) => {
      const context = await isolate.createContext();
      const script = await isolate.compileScript(caughtInGuest);
      return Promise.all([script.run(context), script.run(context), script.run(context)]);
    }),
  );
  t.same(results.flat(), Array(24).fill(expected));
});
