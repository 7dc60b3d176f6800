// Pins: ExternalCopy holds primitives exactly, Dates as Dates and other objects as structured
// clones; copy() gives a fresh independent value each time, copyInto() hands a copy to a guest,
// non-cloneable values (functions, Symbols) are refused with a TypeError, and dispose() ends the
// handle. On isolated-vm 5.0.4 the dispose subtest is expected to fail: version 5 calls it `release()`.
import t from 'tap';
import { ExternalCopy } from './engine';
import { sandbox, evalSync } from './helpers';

t.test('primitives copy exactly', async (t) => {
  for (const value of [0, -0, 1.5, NaN, Infinity, 'text', '', true, false, null, undefined, 2n ** 80n]) {
    t.ok(Object.is(new ExternalCopy(value).copy(), value), String(value));
  }
});

t.test('Dates stay Dates', async (t) => {
  const copy = new ExternalCopy(new Date(1234567890123)).copy() as Date;
  t.ok(copy instanceof Date);
  t.equal(copy.getTime(), 1234567890123);
});

t.test('objects are structured clones, fresh on every copy()', async (t) => {
  const original = {
    list: [1, 'two', { three: 3 }],
    map: new Map([['k', new Set([1])]]),
    when: new Date(9),
    nested: { a: { b: { c: null } } },
  };
  const external = new ExternalCopy(original);
  const first = external.copy() as typeof original;
  const second = external.copy() as typeof original;
  t.not(first, original);
  t.not(first, second);
  t.same(first, original);
  t.ok(first.map.get('k') instanceof Set);
  t.ok(first.when instanceof Date);
  first.list.push(4);
  original.nested.a.b.c = 'changed' as never;
  t.same(
    (external.copy() as typeof original).list,
    [1, 'two', { three: 3 }],
    'later changes reach neither the copy nor the source',
  );
  t.equal((external.copy() as typeof original).nested.a.b.c, null);
});

t.test('copyInto hands the guest a real value', async (t) => {
  const { isolate, context } = sandbox(t);
  context.global.setSync(
    'incoming',
    new ExternalCopy({ when: new Date(42), map: new Map([[1, 'one']]), list: [1, 2] }).copyInto(),
  );
  t.equal(evalSync(isolate, context, 'incoming.when instanceof Date && incoming.when.getTime()'), 42);
  t.equal(evalSync(isolate, context, 'incoming.map instanceof Map && incoming.map.get(1)'), 'one');
  t.equal(evalSync(isolate, context, 'Array.isArray(incoming.list) && incoming.list.length'), 2);
});

t.test('an ExternalCopy passed as a value arrives as an ExternalCopy the guest can hold', async (t) => {
  const { isolate, context } = sandbox(t);
  context.global.setSync('held', new ExternalCopy({ x: 1 }));
  t.equal(evalSync(isolate, context, 'typeof held'), 'object');
});

t.test('functions and Symbols cannot be copied', async (t) => {
  t.throws(() => new ExternalCopy(() => 1), TypeError);
  t.throws(() => new ExternalCopy({ f() {} }), TypeError);
  t.throws(() => new ExternalCopy(Symbol('s')), TypeError);
});

t.test('after dispose the handle is unusable', async (t) => {
  const external = new ExternalCopy({ a: 1 });
  external.dispose();
  t.throws(() => external.copy());
  t.throws(() => external.copyInto());
});
