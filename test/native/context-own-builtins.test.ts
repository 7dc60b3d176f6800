// Pins: every context (createContext or createContextSync) has its own built-ins and global
// scope: mutating Object.prototype or globals in one context is invisible in another.
import t from 'tap';
import { sandbox, evalSync } from './helpers';

t.test('Object.prototype mutation stays in its context', async (t) => {
  const { isolate, context: first } = sandbox(t);
  const second = isolate.createContextSync();
  const third = await isolate.createContext();
  evalSync(isolate, first, 'Object.prototype.polluted = 1; Array.prototype.push = null; globalThis.shared = "first"');
  t.equal(evalSync(isolate, first, '({}).polluted'), 1);
  for (const [name, context] of [
    ['sync', second],
    ['async', third],
  ] as const) {
    t.equal(evalSync(isolate, context, 'typeof ({}).polluted'), 'undefined', `${name}: prototype clean`);
    t.equal(evalSync(isolate, context, 'const a = []; a.push(1); a.length'), 1, `${name}: Array.prototype.push intact`);
    t.equal(evalSync(isolate, context, 'typeof shared'), 'undefined', `${name}: globals not shared`);
  }
});

t.test("the same script runs in several contexts against each one's globals", async (t) => {
  const { isolate, context: first } = sandbox(t);
  const second = isolate.createContextSync();
  const script = isolate.compileScriptSync('globalThis.counter = (globalThis.counter ?? 0) + 1');
  script.runSync(first);
  script.runSync(first);
  t.equal(script.runSync(first), 3);
  t.equal(script.runSync(second), 1);
  t.equal(await script.run(second), 2);
});

t.test('built-in constructors differ between contexts', async (t) => {
  const { isolate, context: first } = sandbox(t);
  const second = isolate.createContextSync();
  evalSync(isolate, second, 'globalThis.builtins = { Array, Object }');
  first.global.setSync('other', second.global.getSync('builtins').derefInto());
  t.equal(evalSync(isolate, first, 'other.Array === Array || other.Object === Object'), false);
  t.equal(evalSync(isolate, first, 'typeof other.Array'), 'function');
  t.equal(evalSync(isolate, first, 'Object.getPrototypeOf(other) === Object.prototype'), false);
});

t.test('a released context cannot be used again', async (t) => {
  const { isolate } = sandbox(t);
  const context = isolate.createContextSync();
  t.equal(evalSync(isolate, context, '1 + 1'), 2);
  context.release();
  t.throws(() => isolate.compileScriptSync('1').runSync(context));
  t.equal(evalSync(isolate, isolate.createContextSync(), '2 + 2'), 4, 'isolate usable after release');
});
