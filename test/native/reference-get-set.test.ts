// Pins: Reference.typeof for every kind of value (null is "null", Symbols are "object", as
// documented), get/getSync returning a Reference to the property's value, and
// set/setSync/setIgnored storing transferable values (setSync/set report success with `true`).
// On isolated-vm 5.0.4 these are expected to fail: version 5's get returns primitives and
// functions as values rather than References, and its set returns undefined.
import t from 'tap';
import { Reference } from './engine';
import { sandbox, evalSync } from './helpers';

t.test('typeof of host values', async (t) => {
  const cases: Array<[unknown, string]> = [
    [null, 'null'],
    [undefined, 'undefined'],
    [1, 'number'],
    ['s', 'string'],
    [true, 'boolean'],
    [{}, 'object'],
    [[], 'object'],
    [() => 1, 'function'],
    [Symbol('s'), 'object'],
  ];
  for (const [value, expected] of cases) t.equal(new Reference(value).typeof, expected, String(value));
});

t.test('getSync returns References whose typeof matches the guest value', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(
    isolate,
    context,
    'globalThis.h = { n: null, u: undefined, num: 1.5, str: "s", b: false, f() {}, o: { a: 1 } }',
  );
  const h = context.global.getSync('h');
  t.equal(h.typeof, 'object');
  const expected: Record<string, string> = {
    n: 'null',
    u: 'undefined',
    num: 'number',
    str: 'string',
    b: 'boolean',
    f: 'function',
    o: 'object',
    missing: 'undefined',
  };
  for (const [key, type] of Object.entries(expected)) {
    const ref = h.getSync(key);
    t.ok(ref instanceof Reference, `${key} is a Reference`);
    t.equal(ref.typeof, type, key);
  }
  t.equal(h.getSync('num').copySync(), 1.5);
  t.equal(h.getSync('o').getSync('a').copySync(), 1, 'chained get');
});

t.test('get (async) resolves to a Reference', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.value = "async"');
  const ref = await context.global.get('value');
  t.ok(ref instanceof Reference);
  t.equal(await ref.copy(), 'async');
});

t.test('numeric and string keys both work', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.list = ["zero", "one"]');
  const list = context.global.getSync('list');
  t.equal(list.getSync(1).copySync(), 'one');
  list.setSync(2, 'two');
  t.equal(evalSync(isolate, context, 'list.join()'), 'zero,one,two');
});

t.test('setSync, set and setIgnored store transferable values', async (t) => {
  const { isolate, context } = sandbox(t);
  const jail = context.global;
  t.equal(jail.setSync('a', 1), true);
  t.equal(jail.setSync('b', 'two'), true);
  t.equal(jail.setSync('c', null), true);
  t.equal(jail.setSync('d', 2n ** 64n), true);
  t.equal(await jail.set('e', true), true);
  t.equal(jail.setIgnored('f', 6.5), undefined);
  t.equal(
    await isolate.compileScriptSync('[a, b, c, String(d), e, f].join("|")').run(context),
    '1|two||18446744073709551616|true|6.5',
  );
});

t.test('set replaces an existing property', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.box = { v: 1 }');
  const box = context.global.getSync('box');
  box.setSync('v', 2);
  t.equal(evalSync(isolate, context, 'box.v'), 2);
});

t.test('a Symbol is not transferable', async (t) => {
  const { context } = sandbox(t);
  t.throws(() => context.global.setSync('sym', Symbol('no') as never), TypeError);
});
