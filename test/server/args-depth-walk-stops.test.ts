// The `args` depth check stops at the first value past the limit: it walked 500,000 levels of a 1 MB
// body to the bottom (0.13 s of Node's thread) before refusing it.
import t from 'tap';
import { nestingDepth } from '../../server/invoker';
import { run, startApp } from './helpers';

t.test('the walk goes no deeper than the limit', async (t) => {
  let deepest = 0;
  // Each level's child sits behind a getter: reading it is going one level down (1,000 levels in all).
  const chain = (level: number): object =>
    level === 1000
      ? {}
      : Object.defineProperty({}, 'child', {
          enumerable: true,
          get: () => {
            deepest = Math.max(deepest, level + 1);
            return chain(level + 1);
          },
        });
  t.equal(nestingDepth([chain(2)], 10), 11, 'the depth of the first value past the limit');
  t.ok(deepest <= 11, `read down to level ${deepest}`);
  t.equal(nestingDepth([[1], { a: [2, { b: 3 }] }]), 4, 'without a limit, the whole depth');
  t.equal(nestingDepth([[[1]]], 3), 3, 'at the limit: the whole depth');
});

t.test('deep args are refused', async (t) => {
  const isorun = await startApp(t, { argsMaxDepth: 8 });
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const response = await isorun.app.inject({
    method: 'POST',
    url: '/run',
    headers: { 'content-type': 'application/json' },
    payload: `{"code":"(a) => 1","args":[${deep}]}`,
  });
  t.match(response.json(), { code: 'INVALID_REQUEST', field: '/args' });
  t.equal((await run(isorun, { code: '(a) => a.length', args: [[[[[[[[1]]]]]]]] })).body.result, 1, 'at the limit');
});
