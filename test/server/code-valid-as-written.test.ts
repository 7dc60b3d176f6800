// Code runs only when it is valid as written, in the reading that runs it: a wrapper alone also accepted
// code that closed it, ran outside it, and whose top-level throw was then dropped
// (`1), (function(){ throw new Error("hidden") })(), (2` answered 200 `{"result":1}`).
import t from 'tap';
import { run, startApp } from './helpers';

t.test('code that closes its wrapper does not run', async (t) => {
  const isorun = await startApp(t);
  const marker = 'globalThis.escaped = 1';
  const cases: Array<[string, string, { line: number; column: number } | undefined]> = [
    ['closes the expression', '1), (function(){ throw new Error("hidden") })(), (2', { line: 1, column: 2 }],
    ['closes the expression to call on', '1), (() => { throw new Error("hidden") })(', { line: 1, column: 2 }],
    ['a curried arrow across the wrapper', 'a) => (b', { line: 1, column: 2 }],
    ['closes the statements block', '} catch (e) {} try {', { line: 1, column: 1 }],
    // In the script a module runs as, `<!--` starts a comment: there the template that holds the next
    // lines in the module is never opened, and they close the function the module runs in.
    [
      'a module whose HTML-like comment hides a template',
      `export default 1; let y = 1;\nlet x = 0 <!--y, s = \`\n}; ${marker}; function g() {\n-->\`;`,
      { line: 2, column: 11 },
    ],
    // In a function `await` is a name: `await /…/` divides where the module awaits a regular expression.
    ['a module that awaits at the top level', `export default 1;\nawait /x/;`, { line: 2, column: 1 }],
  ];
  for (const [name, code, where] of cases) {
    const response = await run(isorun, { code });
    t.equal(response.body.code, 'COMPILE_ERROR', `${name}: ${JSON.stringify(response.body).slice(0, 200)}`);
    if (where !== undefined) t.match(response.body, where, `${name}: located`);
  }
  const probe = await run(isorun, { code: 'globalThis.escaped' });
  t.notOk('result' in probe.body, 'nothing ran');
});

t.test('valid code still runs in every reading', async (t) => {
  const isorun = await startApp(t);
  const cases: Array<[string, string, unknown]> = [
    ['a comma expression', '1, 2', 2],
    ['an expression ending in a comment', '(a) => a // done', 7],
    ['brackets in strings and regular expressions', '() => ")]}".length + /[)\\]]/.source.length', 8],
    ['a spread is no expression, but statements', '[...[1, 2]].length', 2],
    [
      'a module with `--` and `<` and `!`',
      'export default (a) => { let n = 3; while (n --> 0) a++; return a < !0 }',
      false,
    ],
    ['a module that awaits in its function', 'export default async () => await Promise.resolve(5)', 5],
    ['a module saying `<!--` in a string', 'export default () => "<!-- x -->".length', 10],
  ];
  for (const [name, code, expected] of cases) {
    const response = await run(isorun, { code, args: [7] });
    t.equal(response.status, 200, `${name}: ${JSON.stringify(response.body).slice(0, 200)}`);
    t.same(response.body.result, expected, name);
  }
});
