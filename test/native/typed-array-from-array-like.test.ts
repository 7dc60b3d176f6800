// Pins: %TypedArray%.from and set from a huge array-like stay within the cap and the timeout. V8 fills
// them in a native loop that keeps a handle per element and ignores termination: 2^26 elements took
// 1.1 GB of RSS and 3.6 s in a 128 MB isolate. Past 2^20 elements the guards fill them in a loop.
// (`new Int8Array({ length })` takes the same native path and is not guarded: see README.)
import t, { type Test } from 'tap';
import { sandbox } from './helpers';

function run(t: Test, code: string, timeout = 30_000): unknown {
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  return isolate.compileScriptSync(code).runSync(context, { timeout });
}

t.test('huge array-likes: right results, the process stays small', async (t) => {
  const before = process.memoryUsage().rss;
  t.equal(run(t, 'const a = Uint16Array.from({ length: 2 ** 22, 1: 9 }); a.length + a[1]'), 2 ** 22 + 9);
  t.equal(run(t, 'const a = new Int8Array(2 ** 22 + 4); a.set({ length: 2 ** 22, 0: 5 }, 4); a[4]'), 5);
  t.equal(run(t, 'class Mine extends Int8Array {}; Mine.from({ length: 2 ** 21 }) instanceof Mine'), true);
  t.throws(() => run(t, 'new Int8Array(10).set({ length: 2 ** 21 })'), { name: 'RangeError' });
  t.throws(() => run(t, 'new Int8Array(2 ** 21).set({ length: 2 ** 21 }, -1)'), { name: 'RangeError' });
  t.throws(() => run(t, 'Int8Array.prototype.set.call({}, { length: 2 ** 21 })'), { name: 'TypeError' });
  t.throws(() => run(t, 'BigInt64Array.from({ length: 2 ** 21 })'), { name: 'TypeError' }, 'undefined is no BigInt');
  const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
  t.ok(grownMb < 300, `RSS grew ${grownMb.toFixed(0)} MB`);
});

t.test('a timeout stops the fill', async (t) => {
  t.throws(() => run(t, 'Int8Array.from({ length: 2 ** 26 })', 50), { message: /timed out/ });
  t.throws(() => run(t, 'new Int8Array(2 ** 26).set({ length: 2 ** 26 })', 50), { message: /timed out/ });
});

t.test('from and set work as before', async (t) => {
  t.equal(
    run(
      t,
      `JSON.stringify([Array.from(Int8Array.from([1, 2])), Array.from(Int8Array.from({ length: 2, 0: 3 })),
        Array.from(Uint8Array.from('12', Number)), Int8Array.from === Uint8Array.from, Int8Array.from.name,
        Int8Array.from.length, Int8Array.prototype.set.name, Int8Array.prototype.set.length,
        (() => { const a = new Int8Array(4); a.set([7, 8], 1); return Array.from(a); })(),
        (() => { const a = new Int8Array(4); a.set(new Int8Array([9]), 3); return Array.from(a); })()])`,
    ),
    '[[1,2],[3,0],[1,2],true,"from",1,"set",1,[0,7,8,0],[0,0,0,9]]',
  );
});
