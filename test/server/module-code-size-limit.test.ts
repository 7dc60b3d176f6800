// Module code is read by acorn on Node's thread; past ACORN_MAX_CHARS it is not: 1 MB of `export default`
// code cost ~0.4 s of that thread per request, and every other request waited behind it.
import t from 'tap';
import { ACORN_MAX_CHARS } from '../../server/source';
import { run, startApp } from './helpers';

const filler = (chars: number): string => 'a0 = [1, 2, { b: [3, 4] }, (x) => x * 2];\n'.repeat(Math.ceil(chars / 42));

t.test('module code past the limit is refused, naming it; scripts that size still run', async (t) => {
  const isorun = await startApp(t);
  const big = filler(ACORN_MAX_CHARS + 1000);

  const module = await run(isorun, { code: `export default () => 1;\n${big}` });
  t.equal(module.status, 400);
  t.match(module.body, { code: 'INVALID_REQUEST', field: '/code' });
  t.match(module.body.detail, `Module code is limited to ${ACORN_MAX_CHARS} characters`);
  t.notOk('stats' in module.body, 'refused before it ran');

  const broken = await run(isorun, { code: `export default () => 1;\n${big})` });
  t.match(broken.body, { code: 'INVALID_REQUEST', field: '/code' }, 'a large module with a syntax error too');

  const script = await run(isorun, { code: `let a0;\n${big}\n() => 2` });
  t.equal(script.status, 200, 'a script of the same size runs');
  t.equal(script.body.result, 2);

  // A line that starts with `export` inside a template literal: a script, as the engine reads it.
  const templated = await run(isorun, { code: `const text = \`\nexport default me\n\`;\n${big}\ntext.length` });
  t.equal(templated.status, 200, JSON.stringify(templated.body).slice(0, 200));
  t.equal(templated.body.result, 19);

  const small = await run(isorun, { code: `export default () => 3;\nlet a0;\n${filler(ACORN_MAX_CHARS - 1000)}` });
  t.equal(small.body.result, 3, 'module code within the limit runs as a module');
});
