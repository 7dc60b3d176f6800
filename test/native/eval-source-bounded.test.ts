// Pins: eval and the Function constructors take at most 2^20 characters of source. They parse without
// checking for termination, into memory outside the heap: 16 MB of source took 0.9 s and +272 MB of
// RSS (12 MB through `new Function`: 1.5 s, +432 MB), and a 128 MB cap admits a 64 MB string. Past the
// limit they throw an EvalError that says so; below it they work as always.
import t from 'tap';
import { evalSync, sandbox } from './helpers';

t.test('over the limit: an EvalError naming it, at once', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  for (const code of [
    "eval('[' + '1,'.repeat(2 ** 23) + ']')",
    "new Function('return [' + '[],'.repeat(2 ** 22) + ']')",
    "Function('x'.repeat(2 ** 20 + 1))",
    "(async function () {}).constructor('x'.repeat(2 ** 20 + 1))",
    "(function* () {}).constructor('x'.repeat(2 ** 20 + 1))",
    "(0, eval)('1;'.repeat(2 ** 20))",
  ]) {
    t.throws(
      () => evalSync(isolate, context, code),
      { name: 'EvalError', message: /at most 1048576 characters/ },
      code,
    );
  }
  t.equal(evalSync(isolate, context, "try { eval('1;'.repeat(2 ** 20)) } catch (e) { e instanceof EvalError }"), true);
});

t.test('within the limit: eval and Function as always', async (t) => {
  const { isolate, context } = sandbox(t);
  t.equal(evalSync(isolate, context, "eval('1 + 1')"), 2);
  t.equal(
    evalSync(isolate, context, "(function () { const x = 5; return eval('x * 2'); })()"),
    10,
    'direct eval sees its scope',
  );
  t.equal(
    evalSync(isolate, context, "var g = 1; (function () { const g = 2; return (0, eval)('g'); })()"),
    1,
    'indirect eval is global',
  );
  t.equal(evalSync(isolate, context, "new Function('a', 'b', 'return a + b')(2, 3)"), 5);
  t.equal(evalSync(isolate, context, "(function* () {}).constructor('yield 7')().next().value"), 7);
  t.equal(evalSync(isolate, context, "eval('1;'.repeat(2 ** 19 - 1) + '42')"), 42);
  t.equal(evalSync(isolate, context, 'eval(42)'), 42, 'a non-string is returned as is');
  t.equal(evalSync(isolate, context, 'const o = {}; eval(o) === o'), true);
  t.equal(evalSync(isolate, context, "Function({ toString() { return 'return 7' } })()"), 7);
});
