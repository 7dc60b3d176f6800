// Pins: every Array.prototype method that walks an array-like's indices (forEach, map, join, slice,
// splice, reverse, concat, flat, String.raw, ...) ends at the timeout on `{ length: 2 ** 32 - 1 }`, or,
// for a walk that builds a result, at the memory cap if that comes first (String.raw's string grows
// 9 characters a step: on a fast moment it filled a 64 MB isolate within the 100 ms).
// V8 runs them in native loops that never check for termination: each held its engine thread 40 s to
// minutes past a 100 ms timeout, from one line of guest code (isolated-vm 5.0.4: the same). Past 2^24
// elements, or with a length that is not a number, the engine runs them as interruptible loops.
// The loops must give the built-ins' results: the differential test below runs each case twice, in
// the guest with a length that is a string (so the loops run) and in Node's own V8 with the number.
import t from 'tap';
import vm from 'node:vm';
import { sandbox, timed } from './helpers';

const WALKS = [
  'forEach(x=>x)',
  'map(x=>x)',
  'filter(x=>x)',
  'some(x=>x)',
  'every(x=>1)',
  'reduce((a,x)=>a,0)',
  'reduceRight((a,x)=>a,0)',
  'lastIndexOf(1)',
  'join()',
  'toLocaleString()',
  'slice()',
  'splice(0)',
  'reverse()',
  'copyWithin(1,0)',
  'shift()',
  'unshift(1)',
  'flat()',
  'flatMap(x=>x)',
];

t.test('a walk over a huge hollow array-like ends at the timeout', async (t) => {
  const huge = '{ length: 2 ** 32 - 1 }';
  const codes = [
    ...WALKS.map((call) => {
      const [, name, args] = /^(\w+)\((.*)\)$/.exec(call)!;
      return `Array.prototype.${name}.call(${huge}${args ? `, ${args}` : ''})`;
    }),
    `[].concat({ length: 2 ** 32 - 1, [Symbol.isConcatSpreadable]: true })`,
    `String.raw({ raw: ${huge} })`,
    '[new Array(2 ** 32 - 1)].flat()',
    'new Array(2 ** 32 - 1).forEach((x) => x)',
  ];
  // Each in an isolate of its own: what one walk left behind does not count against the next one's cap.
  for (const code of codes) {
    const { isolate, context } = sandbox(t, { memoryLimit: 64 });
    t.throws(() => isolate.compileScriptSync(code).runSync(context, { timeout: 100 }), /timed out|memory limit/, code);
    if (!isolate.isDisposed) isolate.dispose();
  }
  const { isolate, context } = sandbox(t, { memoryLimit: 64 });
  t.equal(isolate.compileScriptSync('[1, 2, 3].map((x) => x * 2).join()').runSync(context), '2,4,6');
});

t.test('a short walk over a deep prototype chain ends at the timeout', async (t) => {
  // Each index lookup visits the whole chain: lastIndexOf on 2^22 elements over a chain 1,000 deep ran
  // 15 s past a 100 ms timeout. A proxy whose trap hides the chain does not fool the depth count.
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  isolate
    .compileScriptSync(
      `let p = {}; for (let i = 0; i < 1000; i++) p = Object.create(p);
       globalThis.deep = Object.assign(Object.create(p), { length: 2 ** 22 });
       globalThis.hidden = Object.assign(Object.create(new Proxy(p, { getPrototypeOf: () => null })), { length: 2 ** 22 });
       globalThis.faked = new Proxy(deep, { getPrototypeOf: () => Array.prototype });`,
    )
    .runSync(context);
  for (const code of [
    'Array.prototype.lastIndexOf.call(deep, 1)',
    'Array.prototype.lastIndexOf.call(hidden, 1)',
    'Array.prototype.lastIndexOf.call(faked, 1)',
    'Array.prototype.forEach.call(deep, (x) => x)',
    'Array.prototype.sort.call(deep)',
    'Array.prototype.fill.call(deep, 0)',
    'Array.from(deep)',
    'Array.prototype.join.call(deep)',
    '[].concat(Object.assign(Object.create(deep), { [Symbol.isConcatSpreadable]: true }))',
  ]) {
    t.throws(() => isolate.compileScriptSync(code).runSync(context, { timeout: 100 }), /timed out/, code);
  }
  t.equal(
    isolate
      .compileScriptSync('Array.prototype.join.call(Object.assign(Object.create(p), { length: 3, 1: "b" }), "-")')
      .runSync(context),
    '-b-',
    'a short walk stays native whatever the chain',
  );
});

t.test('a walk whose every step is slow ends soon after the timeout', async (t) => {
  // Each index lookup through a chain 100,000 deep takes about half a millisecond, and V8's interpreter
  // checks for termination in a loop only once its interrupt budget runs out: the guards' own loops
  // ended 1.3-1.6 s past a 100 ms timeout. They now make a call per step, where V8 checks. (Each case
  // gets a fresh chain in a fresh context: an inline cache that warms up on such a chain makes all of it
  // fast in one step that costs the square of its length, which no guard can cut short.)
  const { isolate } = sandbox(t, { memoryLimit: 128 });
  for (const code of [
    'Array.prototype.sort.call(like)',
    'Array.prototype.toSorted.call(like)',
    'Array.prototype.toReversed.call(like)',
    'Array.prototype.fill.call(like, 1)',
    'Array.prototype.forEach.call(like, (x) => x)',
    'Array.prototype.lastIndexOf.call(like, 1)',
    'Array.prototype.join.call(like)',
    'Array.prototype.slice.call(like)',
    'Array.from(like)',
  ]) {
    const context = isolate.createContextSync();
    isolate
      .compileScriptSync(
        `let p = {}; for (let i = 0; i < 100000; i++) p = Object.create(p);
         globalThis.like = Object.create(p); like.length = 100000;`,
      )
      .runSync(context);
    const { ms, error } = await timed(() => isolate.compileScriptSync(code).runSync(context, { timeout: 100 }));
    t.match(String(error), /timed out/, code);
    t.ok(ms < 800, `${code} ended ${Math.round(ms)} ms after it started`);
    context.release();
  }
});

// Evaluated in both realms: builds each case's receiver (a length made by LENGTH), runs the call and
// describes the result, the receiver afterwards and every callback call, holes included.
const CASES = String.raw`
const describe = (value, seen = []) => {
  if (typeof value === 'function') return 'fn';
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? JSON.stringify(value) : Object.is(value, -0) ? '-0' : String(value);
  }
  if (seen.includes(value)) return '<cycle>';
  const inner = [...seen, value];
  const keys = Reflect.ownKeys(value).filter((key) => typeof key === 'string');
  const fields = keys.map((key) => (key === 'length' ? 'length:' + Number(value.length) : key + ':' + describe(value[key], inner)));
  return (Array.isArray(value) ? 'A' : 'O') + '{' + fields.join(',') + '}';
};
const receiver = (length) => ({ length: LENGTH(length), 0: 'a', 1: undefined, 3: 'd', 4: null, 5: 5 });
const nested = () => ({ length: LENGTH(5), 0: [1, [2, , [3]]], 2: [], 3: 'x', 4: [[4], 5] });
const numbers = () => ({ length: LENGTH(3), 0: 1234.5, 2: -0 });
const spreadable = () => ({ length: LENGTH(3), 0: 'q', 2: 'r', [Symbol.isConcatSpreadable]: true });
const cases = [
  ['forEach', receiver(7), (log) => [(v, i, o) => { log.push([v, i, typeof o]); }]],
  ['forEach', receiver(7), (log) => [function (v) { log.push([v, this.tag]); }, { tag: 't' }]],
  ['forEach', receiver(7), () => [1]],
  ['map', receiver(7), (log) => [(v, i) => { log.push(i); return String(v) + '!'; }]],
  ['map', receiver(0), () => [(v) => v]],
  ['filter', receiver(7), (log) => [(v, i) => { log.push(i); return v !== null; }]],
  ['some', receiver(7), (log) => [(v, i) => { log.push(i); return v === 'd'; }]],
  ['some', receiver(7), () => [(v) => v === 'zz']],
  ['every', receiver(7), (log) => [(v, i) => { log.push(i); return v !== null; }]],
  ['every', receiver(7), () => [() => true]],
  ['reduce', receiver(7), (log) => [(a, v, i) => { log.push(i); return a + '|' + v; }]],
  ['reduce', receiver(7), () => [(a, v) => a + '|' + v, 'S']],
  ['reduce', receiver(7), () => [(a, v) => a + '|' + v, undefined]],
  ['reduce', receiver(0), () => [(a, v) => a + v]],
  ['reduce', { length: LENGTH(3), 2: 'only' }, () => [(a, v) => a + v]],
  ['reduce', receiver(7), () => ['nope']],
  ['reduceRight', receiver(7), (log) => [(a, v, i) => { log.push(i); return a + '|' + v; }]],
  ['reduceRight', receiver(7), () => [(a, v) => a + '|' + v, 'S']],
  ['reduceRight', receiver(0), () => [(a, v) => a + v]],
  ['reduceRight', { length: LENGTH(3), 0: 'only' }, () => [(a, v) => a + v]],
  ['lastIndexOf', receiver(7), () => ['d']],
  ['lastIndexOf', receiver(7), () => [undefined]],
  ['lastIndexOf', receiver(7), () => ['a', -7]],
  ['lastIndexOf', receiver(7), () => ['a', -8]],
  ['lastIndexOf', receiver(7), () => ['d', 2]],
  ['lastIndexOf', receiver(7), () => ['d', -Infinity]],
  ['lastIndexOf', receiver(7), () => ['d', Infinity]],
  ['lastIndexOf', receiver(7), () => ['a', -0]],
  ['lastIndexOf', receiver(7), () => ['a', undefined]],
  ['lastIndexOf', receiver(0), () => ['a']],
  ['join', receiver(7), () => []],
  ['join', receiver(7), () => ['-']],
  ['join', receiver(7), () => [undefined]],
  ['join', receiver(7), () => [{ toString: () => '~' }]],
  ['toLocaleString', numbers(), () => []],
  ['toLocaleString', numbers(), () => ['de-DE']],
  ['slice', receiver(7), () => []],
  ['slice', receiver(7), () => [1]],
  ['slice', receiver(7), () => [1, 4]],
  ['slice', receiver(7), () => [-2]],
  ['slice', receiver(7), () => [-10, -1]],
  ['slice', receiver(7), () => [4, 1]],
  ['slice', receiver(7), () => [2, undefined]],
  ['splice', receiver(7), () => []],
  ['splice', receiver(7), () => [1]],
  ['splice', receiver(7), () => [1, 1]],
  ['splice', receiver(7), () => [1, 0, 'x', 'y']],
  ['splice', receiver(7), () => [-2, 1, 'z']],
  ['splice', receiver(7), () => [0, 10]],
  ['splice', receiver(7), () => [2, undefined]],
  ['splice', receiver(7), () => [undefined, undefined, 'w']],
  ['splice', receiver(7), () => [1, 3, 'p']],
  ['reverse', receiver(7), () => []],
  ['reverse', receiver(6), () => []],
  ['copyWithin', receiver(7), () => [0, 3]],
  ['copyWithin', receiver(7), () => [1, 0]],
  ['copyWithin', receiver(7), () => [2, 0, 2]],
  ['copyWithin', receiver(7), () => [-2, 0, -1]],
  ['copyWithin', receiver(7), () => [0, 1, undefined]],
  ['shift', receiver(7), () => []],
  ['shift', receiver(0), () => []],
  ['unshift', receiver(7), () => []],
  ['unshift', receiver(7), () => ['x']],
  ['unshift', receiver(7), () => ['x', 'y']],
  ['flat', nested(), () => []],
  ['flat', nested(), () => [Infinity]],
  ['flat', nested(), () => [0]],
  ['flat', nested(), () => [-1]],
  ['flat', nested(), () => [2]],
  ['flatMap', nested(), (log) => [(v, i) => { log.push(i); return [v, [v]]; }]],
  ['flatMap', receiver(7), () => [(v) => v]],
  ['flatMap', receiver(7), () => ['nope']],
  ['concat', receiver(3), () => ['x', [1, , 2], spreadable()]],
  ['concat', [1, , 3], () => [spreadable(), spreadable()]],
];
const rows = cases.map(([name, object, makeArgs]) => {
  const log = [];
  let result;
  try {
    result = describe(Array.prototype[name].apply(object, makeArgs(log)));
  } catch (error) {
    result = 'throws ' + error.name;
  }
  return name + ' -> ' + result + ' | ' + describe(object) + ' | ' + describe(log);
});
rows.push('raw -> ' + String.raw({ raw: { length: LENGTH(4), 0: 'a', 1: 'b', 3: 'd' } }, 1, 2));
rows.push('raw -> ' + String.raw({ raw: { length: LENGTH(2), 0: 'a', 1: 'b' } }));
{
  class Tagged extends Array {}
  const flat = Tagged.from([1, [2, [3]], , 4]).flat(Infinity);
  const mapped = Tagged.from([1, [2]]).flatMap((v) => v);
  rows.push('species -> ' + [flat instanceof Tagged, describe(flat), mapped instanceof Tagged, describe(mapped)].join());
}
rows.join('\n');
`;

t.test('the loops give the built-ins’ results', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  const guest = isolate.compileScriptSync(`const LENGTH = String;\n${CASES}`).runSync(context, { timeout: 10_000 });
  const host = vm.runInNewContext(`const LENGTH = Number;\n${CASES}`);
  const guestRows = String(guest).split('\n');
  const hostRows = String(host).split('\n');
  t.equal(guestRows.length, hostRows.length);
  hostRows.forEach((row, at) => t.equal(guestRows[at], row, `case ${at}: ${row.slice(0, 60)}`));
});

t.test('huge sparse arrays walk the same as the built-ins would', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 256 });
  const run = (code: string) =>
    isolate
      .compileScriptSync(`{ const a = []; a[1] = 'b'; a[2 ** 24 + 5] = 'z'; ${code} }`)
      .runSync(context, { timeout: 60_000 });
  t.equal(
    run('const r = a.map((x) => x + "!"); JSON.stringify([r.length, Object.keys(r)])'),
    '[16777222,["1","16777221"]]',
  );
  t.equal(run('JSON.stringify(a.filter(() => true))'), '["b","z"]');
  t.equal(run('a.lastIndexOf("b")'), 1);
  t.equal(run('a.reduce((s, x) => s + x, "")'), 'bz');
  t.equal(run('const r = a.slice(2 ** 24); JSON.stringify([r.length, r[5]])'), '[6,"z"]');
  t.equal(run('a.reverse(); JSON.stringify([a[2 ** 24 + 4], a[0], 1 in a, a.length])'), '["b","z",false,16777222]');
  t.equal(run('const r = [0].concat(a); JSON.stringify([r.length, r[2], r[2 ** 24 + 6]])'), '[16777223,"b","z"]');
});

t.test('guests that replace the helpers the guards use still get the built-ins’ behaviour', async (t) => {
  const { isolate, context } = sandbox(t);
  const result = isolate
    .compileScriptSync(
      `Function.prototype.call = () => 'hijacked';
       Array.prototype[Symbol.iterator] = function* () { yield 'hijacked'; };
       Object.defineProperty(Array.prototype, '0', { set() { throw new Error('setter ran'); }, configurable: true });
       JSON.stringify([[1, 2].map((x) => x * 2), [1, [2, 3]].flat(), [1, 2].reduce((a, b) => a + b), [3, 4].slice(1),
         [5, 6].splice(0, 1), Reflect.apply(Array.prototype.flatMap, { length: '2', 0: 7, 1: [8] }, [(x) => x])])`,
    )
    .runSync(context);
  t.equal(result, '[[2,4],[1,2,3],3,[4],[5],[7,8]]');
  const replacedGlobals = isolate
    .compileScriptSync(
      `const { TypeError: NativeTypeError, JSON: NativeJSON, Reflect: NativeReflect } = globalThis;
       globalThis.Object = null; globalThis.Number = null; globalThis.TypeError = null; globalThis.RangeError = null;
       let thrown;
       try { NativeReflect.apply(Array.prototype.forEach, null, [() => 1]); } catch (error) { thrown = error; }
       NativeJSON.stringify([NativeReflect.apply(Array.prototype.map, { length: '2', 0: 1, 1: 2 }, [(x) => x * 3]),
         thrown instanceof NativeTypeError])`,
    )
    .runSync(isolate.createContextSync());
  t.equal(replacedGlobals, '[[3,6],true]', 'replaced Object, Number and error globals change nothing');
});

t.test('the guards look like the built-ins', async (t) => {
  const { isolate, context } = sandbox(t);
  const names = [...WALKS.map((call) => call.slice(0, call.indexOf('('))), 'concat'];
  const describe = `JSON.stringify(${JSON.stringify(names)}.map((name) => {
    const f = Array.prototype[name];
    const d = Object.getOwnPropertyDescriptor(Array.prototype, name);
    return [f.name, f.length, 'prototype' in f, d.enumerable, d.writable, d.configurable];
  }).concat([[String.raw.name, String.raw.length, 'prototype' in String.raw]]))`;
  t.equal(isolate.compileScriptSync(describe).runSync(context), vm.runInNewContext(describe));
  t.throws(() => isolate.compileScriptSync('new Array.prototype.map(() => 1)').runSync(context), { name: 'TypeError' });
  t.throws(() => isolate.compileScriptSync('Array.prototype.forEach.call(null, () => 1)').runSync(context), {
    name: 'TypeError',
    message: /called on null or undefined/,
  });
});
