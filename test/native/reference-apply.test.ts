// Pins: Reference apply/applySync/applyIgnored call a guest function with a receiver and
// transferable arguments and give back its transferable result; `{ result: { copy: true } }`
// clones an object result and `{ result: { promise: true } }` awaits a returned promise; guest
// errors reject the call; `timeout` bounds the call; applyIgnored runs in queue order.
// (Apply is scheduled for a later engine issue than the rest of Reference.)
// On isolated-vm 5.0.4 this is expected to fail: version 5's getSync turns a guest function into
// a host callback instead of a Reference (the same calls pass with `getSync(name, { reference: true })`).
import t from 'tap';
import { ExternalCopy } from './engine';
import { sandbox, evalSync } from './helpers';

t.test('applySync and apply pass arguments and return the result', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.add = (a, b, c) => `${a + b}:${typeof c}`');
  const add = context.global.getSync('add');
  t.equal(add.typeof, 'function');
  t.equal(add.applySync(undefined, [2, 3]), '5:undefined');
  t.equal(await add.apply(null, ['x', 'y', true]), 'xy:boolean');
  t.equal(add.applySync(undefined, []), 'NaN:undefined');
  t.equal(add.applySync(undefined), 'NaN:undefined', 'arguments may be omitted');
});

t.test('the receiver becomes `this`', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.counter = { n: 10, bump(by) { return this.n += by } }');
  const counter = context.global.getSync('counter');
  const bump = counter.getSync('bump');
  t.equal(bump.applySync(counter.derefInto(), [5]), 15);
  t.equal(await bump.apply(counter.derefInto(), [1]), 16);
});

t.test('result: { copy: true } clones an object result', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.make = (n) => ({ n, when: new Date(n), list: [n, n] })');
  const make = context.global.getSync('make');
  for (const value of [
    make.applySync(undefined, [7], { result: { copy: true } }),
    await make.apply(undefined, [7], { result: { copy: true } }),
  ] as Array<{ n: number; when: Date; list: number[] }>) {
    t.equal(value.n, 7);
    t.ok(value.when instanceof Date);
    t.same(value.list, [7, 7]);
  }
});

t.test('result: { promise: true, copy: true } awaits the returned promise', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.later = async (n) => { await null; return { doubled: n * 2 } }');
  const later = context.global.getSync('later');
  t.same(await later.apply(undefined, [21], { result: { promise: true, copy: true } }), { doubled: 42 });
  evalSync(isolate, context, 'globalThis.fails = async () => { await null; throw new TypeError("async nope") }');
  await t.rejects(context.global.getSync('fails').apply(undefined, [], { result: { promise: true } }), {
    name: 'TypeError',
    message: 'async nope',
  });
});

t.test('copyInto and derefInto arguments arrive as real values', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(
    isolate,
    context,
    'globalThis.inspect = (a, b) => `${a.list.length}:${a.when instanceof Date}:${b === target}`; globalThis.target = {}',
  );
  const target = context.global.getSync('target');
  const argument = new ExternalCopy({ list: [1, 2, 3], when: new Date(0) }).copyInto();
  t.equal(context.global.getSync('inspect').applySync(undefined, [argument, target.derefInto()]), '3:true:true');
});

t.test('a guest exception rejects the call with its name and message', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.boom = () => { throw new RangeError("kaboom") }');
  const boom = context.global.getSync('boom');
  t.throws(() => boom.applySync(undefined, []), { name: 'RangeError', message: 'kaboom' });
  await t.rejects(boom.apply(undefined, []), { name: 'RangeError', message: 'kaboom' });
});

t.test('timeout ends a spinning call and the isolate lives on', async (t) => {
  const { isolate, context } = sandbox(t);
  // Bounded (10 s) so an engine that calls it on the wrong thread fails instead of hanging.
  evalSync(
    isolate,
    context,
    'globalThis.spin = () => { for (const end = Date.now() + 10000; Date.now() < end; ) {} }; globalThis.kept = "intact"',
  );
  const spin = context.global.getSync('spin');
  t.throws(() => spin.applySync(undefined, [], { timeout: 50 }), { message: 'Script execution timed out.' });
  await t.rejects(spin.apply(undefined, [], { timeout: 50 }), { message: 'Script execution timed out.' });
  t.equal(evalSync(isolate, context, 'kept'), 'intact');
});

t.test('applyIgnored returns nothing and runs before a later awaited call', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.seen = []; globalThis.record = (v) => { seen.push(v) }');
  const record = context.global.getSync('record');
  t.equal(record.applyIgnored(undefined, ['a']), undefined);
  record.applyIgnored(undefined, ['b']);
  t.equal(await isolate.compileScriptSync('seen.join("")').run(context), 'ab');
});

t.test('calling a non-function fails cleanly', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.notFn = {}');
  t.throws(() => context.global.getSync('notFn').applySync(undefined, []));
  t.equal(evalSync(isolate, context, '1'), 1);
});
