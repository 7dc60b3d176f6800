// Pins: the typed-array constructors, %TypedArray%.from and set from a huge array-like stay within the
// cap and the timeout. V8 fills them in a native loop that keeps a handle per element and ignores
// termination: 2^26 elements took 1.1 GB of RSS and 3 s past a 200 ms timeout in a 128 MB isolate
// (`new Int8Array({ length: 2 ** 26 })`). The guards fill them in a loop instead.
import t, { type Test } from 'tap';
import { peakResidentGrowthMb, sandbox } from './helpers';

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
  t.equal(run(t, 'const a = new Uint16Array({ length: 2 ** 22, 1: 9 }); a.length + a[1]'), 2 ** 22 + 9);
  t.equal(run(t, 'class Mine extends Int8Array {}; new Mine({ length: 2 ** 21 }) instanceof Mine'), true);
  const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
  t.ok(grownMb < 300, `RSS grew ${grownMb.toFixed(0)} MB`);
});

t.test('a constructor filling from an array-like holds no memory outside the cap', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  const script = isolate.compileScriptSync('new Int8Array({ length: 2 ** 25, 1: 9 })[1]');
  const peakMb = peakResidentGrowthMb(() => t.equal(script.runSync(context, { timeout: 30_000 }), 9));
  // V8's native fill peaked at +545 MB here (a handle per element); the guarded loop at +36 MB.
  t.ok(peakMb < 200, `peak RSS grew ${peakMb.toFixed(0)} MB`);
});

t.test('a timeout stops the fill', async (t) => {
  t.throws(() => run(t, 'Int8Array.from({ length: 2 ** 26 })', 50), { message: /timed out/ });
  t.throws(() => run(t, 'new Int8Array(2 ** 26).set({ length: 2 ** 26 })', 50), { message: /timed out/ });
  t.throws(() => run(t, 'new Int8Array({ length: 2 ** 26 })', 50), { message: /timed out/ });
  t.throws(() => run(t, 'new Float64Array({ length: 2 ** 23 })', 10), { message: /timed out/ });
  // The native constructor reached through an instance or the prototype is the guarded one too.
  t.throws(() => run(t, 'new (new Int8Array(0).constructor)({ length: 2 ** 26 })', 50), { message: /timed out/ });
  t.throws(() => run(t, 'new Uint8Array.prototype.constructor({ length: 2 ** 26 })', 50), { message: /timed out/ });
  t.throws(() => run(t, 'Reflect.construct(Int16Array, [{ length: 2 ** 25 }], Array)', 50), { message: /timed out/ });
});

t.test('the constructors work as before', async (t) => {
  t.equal(
    run(
      t,
      `JSON.stringify([Int8Array.name, Int8Array.length, Int8Array.BYTES_PER_ELEMENT,
        Int8Array.prototype.constructor === Int8Array, new Int8Array(2).constructor === Int8Array,
        Object.getPrototypeOf(Int8Array) === Object.getPrototypeOf(Uint8Array), typeof Int8Array,
        new Int8Array(2) instanceof Int8Array, Object.getPrototypeOf(new Int8Array(1)) === Int8Array.prototype,
        Array.from(new Int8Array({ length: 3, 0: 5, 2: '7' })), Array.from(new Int8Array([1, 2])),
        Array.from(new Int8Array(new Set([3, 4]))), new Int8Array(new ArrayBuffer(8), 2, 3).length,
        new Int8Array(Object.assign(new ArrayBuffer(4), { length: 99 })).length,
        new Int32Array(new SharedArrayBuffer(8)).length, Array.from(new Int8Array(new Uint8Array([255, 1]))),
        new Int8Array(3).subarray(1).constructor === Int8Array, Int8Array.of(1, 2).constructor === Int8Array,
        (() => { let reads = 0; new Int8Array({ get length() { reads++; return 2; } }); return reads; })(),
        (() => { class Mine extends Uint8Array {}; const m = new Mine({ length: 2, 1: 6 });
          return [m instanceof Mine, m.constructor === Mine, m[1]]; })()])`,
    ),
    '["Int8Array",3,1,true,true,true,"function",true,true,[5,0,7],[1,2],[3,4],3,4,2,[-1,1],true,true,1,[true,true,6]]',
  );
  t.throws(() => run(t, 'Int8Array(2)'), { name: 'TypeError' }, 'still needs new');
  t.throws(() => run(t, 'new BigInt64Array({ length: 1 })'), { name: 'TypeError' }, 'undefined is no BigInt');
  t.throws(() => run(t, 'new Int8Array({ length: 2 ** 53 })'), { name: 'RangeError' });
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
