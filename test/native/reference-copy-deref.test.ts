// Pins: Reference copy/copySync structured-clone the referenced value into the caller; deref
// returns the very object only for a Reference owned by the calling isolate and throws for guest
// References; derefInto hands a guest Reference back to its own isolate as the real object; after
// dispose every use of a Reference throws.
// On isolated-vm 5.0.4 the dispose subtest is expected to fail: version 5 calls it `release()`.
import t from 'tap';
import { Reference } from './engine';
import { sandbox, evalSync } from './helpers';

t.test('copySync and copy clone guest values', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(
    isolate,
    context,
    'globalThis.data = { list: [1, { two: 2 }], when: new Date(3), map: new Map([["k", "v"]]) }',
  );
  const ref = context.global.getSync('data');
  for (const copy of [ref.copySync(), await ref.copy()] as Array<{
    list: unknown[];
    when: Date;
    map: Map<string, string>;
  }>) {
    t.same(copy.list, [1, { two: 2 }]);
    t.ok(copy.when instanceof Date);
    t.equal(copy.when.getTime(), 3);
    t.equal(copy.map.get('k'), 'v');
  }
  const copy = ref.copySync() as { list: number[] };
  copy.list[0] = 99;
  t.equal(evalSync(isolate, context, 'data.list[0]'), 1, 'the copy is independent');
});

t.test('deref of a host Reference returns the very object', async (t) => {
  const object = { a: 1 };
  const ref = new Reference(object);
  t.equal(ref.deref(), object);
  const copy = ref.copySync();
  t.not(copy, object, 'copySync of a host Reference is a copy');
  t.same(copy, { a: 1 });
});

t.test('deref of a guest Reference throws', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.o = {}');
  t.throws(() => context.global.getSync('o').deref());
  t.throws(() => context.global.deref());
});

t.test('derefInto passes a guest Reference back in as the real object', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.original = { tag: "me" }');
  const ref = context.global.getSync('original');
  context.global.setSync('alias', ref.derefInto());
  t.equal(evalSync(isolate, context, 'alias === original'), true);
});

t.test('a Reference passed as a value arrives as a Reference', async (t) => {
  const { isolate, context } = sandbox(t);
  context.global.setSync('hostRef', new Reference({ from: 'host' }));
  t.equal(evalSync(isolate, context, 'typeof hostRef'), 'object');
  t.equal(evalSync(isolate, context, 'hostRef.typeof'), 'object');
});

t.test('a disposed Reference refuses every use', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.o = { a: 1 }');
  const ref = context.global.getSync('o');
  ref.dispose();
  t.throws(() => ref.getSync('a'));
  t.throws(() => ref.setSync('a', 2));
  t.throws(() => ref.copySync());
  t.throws(() => ref.derefInto());
  await t.rejects(async () => ref.get('a'));
  const host = new Reference({});
  host.dispose();
  t.throws(() => host.deref());
  t.equal(evalSync(isolate, context, 'o.a'), 1, 'the value itself is untouched');
});
