// Pins: run, runSync and runIgnored evaluate to the script's last value when it is transferable
// (primitives other than Symbol) and to undefined otherwise (objects, functions, symbols);
// runIgnored returns nothing but still runs.
import t from 'tap';
import { sandbox } from './helpers';

const transferable: Array<[string, unknown]> = [
  ['let foo = 1; let bar = 2; bar = foo + bar', 3],
  ['"hello" + " world"', 'hello world'],
  ['"ünïcödé ✓ \\u{1F600}"', 'ünïcödé ✓ \u{1F600}'],
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
  ['0.1 + 0.2', 0.1 + 0.2],
  ['-0', -0],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['2n ** 70n', 2n ** 70n],
  ['if (true) { 5 } else { 6 }', 5],
  ['"x".repeat(100000).length', 100000],
];

const notTransferable = ['({ a: 1 })', '[1, 2, 3]', '(function f() {})', 'Symbol("s")', 'new Date(0)', 'new Map()'];

t.test('runSync returns transferable last values', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const [code, expected] of transferable) {
    t.ok(Object.is(isolate.compileScriptSync(code).runSync(context), expected), code);
  }
});

t.test('run resolves to transferable last values', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const [code, expected] of transferable) {
    t.ok(Object.is(await (await isolate.compileScript(code)).run(context), expected), code);
  }
});

t.test('a long string survives the round trip unchanged', async (t) => {
  const { isolate, context } = sandbox(t);
  const value = isolate
    .compileScriptSync('Array.from({ length: 5000 }, (_, i) => String.fromCharCode(i + 32)).join("")')
    .runSync(context);
  t.equal(value, Array.from({ length: 5000 }, (_, i) => String.fromCharCode(i + 32)).join(''));
});

t.test('objects, functions and symbols come back as undefined', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const code of notTransferable) {
    t.equal(isolate.compileScriptSync(code).runSync(context), undefined, `sync ${code}`);
    t.equal(await isolate.compileScriptSync(code).run(context), undefined, `async ${code}`);
  }
});

t.test('runIgnored returns undefined and its side effect happens', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(isolate.compileScriptSync('globalThis.ran = 41; 7').runIgnored(context), undefined);
  t.equal(await isolate.compileScriptSync('ran + 1').run(context), 42);
});

t.test('runIgnored swallows guest errors', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(isolate.compileScriptSync('throw new Error("swallowed")').runIgnored(context), undefined);
  t.equal(await isolate.compileScriptSync('"still fine"').run(context), 'still fine');
});
