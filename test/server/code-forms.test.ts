// What `code` may be: a function expression, a value, statements, or an ES module with `export default`.
import t from 'tap';
import { prepareSource, syntaxProblem } from '../../server/source';
import { run, startApp } from './helpers';

t.test('code forms', async (t) => {
  const isorun = await startApp(t);
  const cases: Array<[string, string, unknown[], unknown]> = [
    ['arrow', '(a, b) => a + b', [1, 2], 3],
    ['anonymous async function', 'async function (event) { return event.name.toUpperCase() }', [{ name: 'x' }], 'X'],
    ['anonymous function', 'function (a) { return a * 2 }', [4], 8],
    ['a value', '1 + 2', [], 3],
    ['an object literal', '{ a: 1 }', [], { a: 1 }],
    ['a promise', 'Promise.resolve(7)', [], 7],
    ['statements', 'const x = 5;\nconst y = 6;\nx * y', [], 30],
    ['statements ending in a function', 'const k = 3;\n(a) => a * k', [2], 6],
    ['trailing comment', '(a) => a // done', [1], 1],
    ['module: export default function', 'export default function double(a) { return a * 2 }', [21], 42],
    ['module: export default arrow', 'const k = 10;\nexport default (a) => a + k', [1], 11],
    ['module: anonymous default function', 'export default async function () { return "anon" }', [], 'anon'],
    [
      'module: export { x as default }',
      'function handler(a) { return -a }\nexport const other = 1;\nexport { handler as default }',
      [3],
      -3,
    ],
    [
      'module: strict mode',
      'export default () => { try { undeclared = 1; return "sloppy" } catch (e) { return e.name } }',
      [],
      'ReferenceError',
    ],
    [
      'module: "export default" inside a string is left alone',
      'export default () => "export default x"',
      [],
      'export default x',
    ],
    ['module: export after code on its line', 'const k = (a) => a + 7; export default k', [1], 8],
    ['module: export after a comment', '/* handler */ export default (a) => a * 3', [3], 9],
    [
      'a sloppy script that says "export" mid-line stays a script',
      '() => { with ({ a: 1 }) { return "export " + a } }',
      [],
      'export 1',
    ],
    ['undefined result', '() => undefined', [], undefined],
    ['null result', '() => null', [], null],
    ['Date result', '() => new Date(0)', [], '1970-01-01T00:00:00.000Z'],
  ];
  for (const [name, code, args, expected] of cases) {
    const response = await run(isorun, { code, args });
    t.equal(response.status, 200, `${name}: ${response.status === 200 ? '' : JSON.stringify(response.body)}`);
    t.same(response.body.result, expected, name);
    if (expected === undefined) t.notOk('result' in response.body, `${name}: no result member`);
  }

  const errors: Array<[string, string, string, { line: number; column: number } | undefined]> = [
    ['syntax error, line 2', '(a, b) => {\n  return a +;\n}', 'COMPILE_ERROR', { line: 2, column: 13 }],
    ['unclosed', '(a) => {', 'COMPILE_ERROR', { line: 1, column: 9 }],
    ['statements with a syntax error', 'const x = 1;\nconst = 2;', 'COMPILE_ERROR', { line: 2, column: 7 }],
    ['module syntax error', 'export default (a) => {\n  a +\n}', 'COMPILE_ERROR', { line: 3, column: 1 }],
    ['import declaration', 'import fs from "fs";\nexport default () => fs', 'COMPILE_ERROR', { line: 1, column: 1 }],
    ['re-export', 'export * from "fs"', 'COMPILE_ERROR', { line: 1, column: 1 }],
    ['module without default', 'export const x = 1', 'INVALID_REQUEST', undefined],
  ];
  for (const [name, code, problem, where] of errors) {
    const response = await run(isorun, { code });
    t.equal(response.body.code, problem, `${name}: ${response.body.detail}`);
    if (where !== undefined) t.match(response.body, where, `${name}: location`);
  }
  const unfinished = await run(isorun, { code: '(a, b) => a +' });
  t.equal(unfinished.body.detail, 'Unexpected end of input (line 1, column 14)', 'no token the caller never wrote');

  const stack = await run(isorun, { code: '(a) => {\n  return a.b.c;\n}', args: [{}] });
  t.match(stack.body.stack, /function\.js:2:14/, 'stack lines point at the user code');
  const moduleStack = await run(isorun, { code: 'export default (a) => {\n  return a.b.c;\n}', args: [{}] });
  t.match(moduleStack.body.stack, /function\.js:2:14/, 'module stack lines point at the user code');
});

t.test('the module transform works on the syntax tree', async (t) => {
  const [reading] = prepareSource('const s = "export default";\nexport default s').readings;
  const [candidate] = reading!.runs;
  t.equal(
    candidate!.text,
    'globalThis.__isorun_entry__ = function () {"use strict";\nconst s = "export default";\nconst __isorun_default__ = s;\n;return __isorun_default__;\n};',
  );
  t.equal(candidate!.lineOffset, -1);
  t.equal(prepareSource('(a) => a').readings.length, 2, 'expression first, then statements');
  t.equal(prepareSource('import("x")').readings.length, 2, 'dynamic import is no module syntax');
});

t.test('pathological code costs time linear in its length', async (t) => {
  // Both scans were quadratic: 60,000 newlines held Node's thread for ~4 s, 80,000 `[` in a regex
  // literal's error message for ~5 s; 1 MB of either would have taken minutes.
  const newlines = '\n'.repeat(1_000_000) + '1';
  let started = performance.now();
  t.equal(prepareSource(newlines).readings.length, 2, 'not taken for a module');
  t.ok(performance.now() - started < 2000, `1 MB of newlines scanned in ${Math.round(performance.now() - started)} ms`);
  const brackets = `/${'['.repeat(1_000_000)}]x(/`;
  started = performance.now();
  const problem = syntaxProblem(
    '1\n2',
    `Invalid regular expression: ${brackets}: Unterminated group [function.js:2:1]`,
  );
  t.ok(performance.now() - started < 2000, `a 1 MB message trimmed in ${Math.round(performance.now() - started)} ms`);
  t.notMatch(problem.detail, /function\.js/, 'without the engine location');
  t.equal(
    syntaxProblem('1\n2', "Unexpected token ')' [function.js:2:1]").detail.startsWith("Unexpected token ')' (line"),
    true,
    'a plain message keeps its text',
  );
  t.equal(
    syntaxProblem('1', "Unexpected token ')' [function.js:2:1]").detail,
    'Unexpected end of input (line 1, column 2)',
    'past the last line the engine met the wrapper: the input ended there',
  );
});

t.test('a syntax error in large code is located without a second parser', async (t) => {
  // acorn's two parses of 1 MB of code took ~0.8 s of Node's thread per request.
  const isorun = await startApp(t);
  const code = `const a = [${'1,'.repeat(400_000)}];\nconst b = ;`;
  const started = performance.now();
  const response = await run(isorun, { code });
  t.equal(response.body.code, 'COMPILE_ERROR');
  t.match(response.body, { line: 2 }, 'the engine names the line');
  t.ok(performance.now() - started < 5000, `answered in ${Math.round(performance.now() - started)} ms`);
});
