// What statements throw at the top level is reported as what a function throws: the engine's own copy of
// it named a thrown function after itself, lost a lone surrogate, showed `10n` as `10` with a stack, and
// a symbol as "Uncaught exception".
import t from 'tap';
import { run, startApp } from './helpers';

t.test('a top-level throw reads as the same throw from a function', async (t) => {
  const isorun = await startApp(t);
  const thrown = [
    'function f() {}',
    '10n',
    'Symbol("s")',
    '"a\\ud800b"',
    '"\\udc00"',
    'undefined',
    '[1, 2]',
    'new Date(0)',
    'Object.create(null)',
    '{ name: "Custom", message: "m" }',
    'new RangeError("r")',
    'new (class Oops extends Error {})("o")',
  ];
  for (const value of thrown) {
    const fromFunction = await run(isorun, { code: `() => { throw ${value} }` });
    const fromStatements = await run(isorun, { code: `const k = 1;\nthrow ${value};` });
    t.equal(fromStatements.body.code, 'FUNCTION_ERROR', value);
    for (const field of ['name', 'message', 'detail'] as const) {
      t.equal(fromStatements.body[field], fromFunction.body[field], `${value}: ${field}`);
    }
    // Stacks differ only in where the throw is: an error's names its line, a non-error has none.
    t.equal(fromStatements.body.stack === '', fromFunction.body.stack === '', `${value}: stack`);
  }
  const lone = await run(isorun, { code: 'throw "a\\ud800b";' });
  t.equal(lone.body.message, 'a\ud800b', 'the lone surrogate kept');
  const named = await run(isorun, { code: 'throw function f() {};' });
  t.match(named.body, { name: 'Error', stack: '' }, 'a thrown non-error is an Error with no stack');
  const error = await run(isorun, { code: 'let a = 1;\nthrow new TypeError("t");' });
  t.match(error.body.stack, /^TypeError: t\n\s+at function\.js:2:7/, 'the stack points at the line');
});

t.test('statements keep their meaning', async (t) => {
  const isorun = await startApp(t);
  const cases: Array<[string, string, unknown]> = [
    ['sloppy', 'function f() { return typeof this }\nf()', 'object'],
    ['strict', '"use strict";\nfunction f() { return typeof this }\nf()', 'undefined'],
    ['strict after another directive', "'a';\n'use strict'; (function () { return typeof this })()", 'undefined'],
    ['strict after a comment', '/* c */ // d\n"use strict"\nfunction f() { return typeof this }\nf()', 'undefined'],
    [
      'no directive: the string is an operand',
      '"use strict"\n+ (function () { return typeof this })()',
      'use strictobject',
    ],
    ['no directive: escaped', '"use\\x20strict";\n(function () { return typeof this })()', 'object'],
    ['no directive: after a statement', '1;\n"use strict";\n(function () { return typeof this })()', 'object'],
    ['declarations the returned function uses', 'let k = 2;\nconst m = 3;\nclass C {}\n(a) => a * k * m', 6],
    ['a function used before its declaration', 'const r = g();\nfunction g() { return 5 }\nr', 5],
    ['a block refuses var and function of one name: run bare', 'var f = 1;\nfunction f() {}\nf', 1],
    ['the completion value of the last statement', 'if (true) { 4 } else { 5 }', 4],
  ];
  for (const [name, code, expected] of cases) {
    const response = await run(isorun, { code, args: [1] });
    t.equal(response.status, 200, `${name}: ${JSON.stringify(response.body).slice(0, 200)}`);
    t.same(response.body.result, expected, name);
  }
});
