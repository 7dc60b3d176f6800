// Pins: Function.prototype.apply, Reflect.apply and Reflect.construct refuse an argument list that cannot
// fit the stack before building it. V8 built the whole list first: `Math.max.apply(null, { length: 2 ** 27
// - 1000 })` took 4.7 s and +2 GB of RSS in a 64 MB isolate, then threw. A list over 2^17 never fits a
// guest's stack, so the guards throw V8's RangeError at once; everything else is as before.
import t from 'tap';
import { evalSync, peakResidentGrowthMb, sandbox } from './helpers';

t.test('a list that cannot fit: the RangeError at once, nothing built', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 64 });
  for (const code of [
    'Math.max.apply(null, { length: 2 ** 27 - 1000 })',
    'Reflect.apply(Math.max, null, { length: 2 ** 26 })',
    'Reflect.construct(Array, { length: 2 ** 26 })',
    'Math.max.apply(null, new Array(2 ** 17 + 1))',
  ]) {
    const peakMb = peakResidentGrowthMb(() =>
      t.throws(
        () => isolate.compileScriptSync(code).runSync(context, { timeout: 100 }),
        { name: 'RangeError', message: 'Maximum call stack size exceeded' },
        code,
      ),
    );
    t.ok(peakMb < 100, `${code}: peak RSS grew ${peakMb.toFixed(0)} MB`);
  }
});

t.test('apply and Reflect as before', async (t) => {
  const { isolate, context } = sandbox(t);
  const code = `JSON.stringify([Function.prototype.apply.name, Function.prototype.apply.length, Reflect.apply.name,
    Reflect.apply.length, Reflect.construct.name, Reflect.construct.length, Math.max.apply(null, [1, 5, 2]),
    Reflect.apply(Math.min, null, [3, 1]), Reflect.construct(Date, [0]).getTime(),
    (function (a, b) { return this + a + b; }).apply(1, [2, 3]), (function () { return arguments.length; }).apply(null),
    (function () { return arguments.length; }).apply(null, null), (function () { return arguments.length; }).apply(null, { length: 100000 }),
    (() => { class A { constructor() { this.t = new.target.name; } } class B extends A {} return Reflect.construct(A, [], B).t; })(),
    (() => { function f(a, b) { return a + b; } function w() { return f.apply(this, arguments); } return w(2, 3); })()])`;
  t.equal(evalSync(isolate, context, code), '["apply",2,"apply",3,"construct",2,5,1,0,6,0,0,100000,"B",5]');
  for (const bad of ['(function () {}).apply(null, 5)', 'Reflect.apply(1)', 'Reflect.construct(Math.max, [])']) {
    t.throws(() => evalSync(isolate, context, bad), { name: 'TypeError' }, bad);
  }
});
