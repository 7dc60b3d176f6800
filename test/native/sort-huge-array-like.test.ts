// Pins: sort, toSorted, toReversed, with and toSpliced on a huge array-like or sparse array never
// abort the process and end at the timeout or the memory cap. `Array.prototype.sort.call({ length:
// 2 ** 32 - 1 })` made V8 allocate a work array past its maximum length, and `with` / `toSpliced` grew
// a dictionary past its maximum after minutes: fatal OOMs that killed the whole process (in the
// server, every tenant's requests), from one line of guest code. Past 2^24 elements they now run as
// interruptible loops that give the same results.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sandbox } from './helpers';

t.test('one line that aborted the process now times out', async (t) => {
  for (const code of [
    'Array.prototype.sort.call({ length: 2 ** 32 - 1 })',
    'Array.prototype.toSorted.call({ length: 2 ** 32 - 1 })',
    'const a = []; a.length = 2 ** 32 - 1; a[5] = 3; a.sort()',
  ]) {
    const { isolate, context } = sandbox(t);
    // toSorted reads every index: the memory cap may stop it before the timeout does.
    t.throws(() => isolate.compileScriptSync(code).runSync(context, { timeout: 200 }), /timed out|memory limit/, code);
    if (!isolate.isDisposed) t.equal(isolate.compileScriptSync('6 * 7').runSync(context), 42, 'the isolate lives on');
  }
});

t.test('the same results as the built-ins', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 128 });
  const run = (code: string) => isolate.compileScriptSync(code).runSync(context, { timeout: 60_000 });
  t.equal(
    run('JSON.stringify([[3, 1, 2].sort(), [3, 1, undefined, , 2].toSorted(), [3, 1, 2].sort((a, b) => b - a)])'),
    '[[1,2,3],[1,2,3,null,null],[3,2,1]]',
  );
  t.equal(
    run(`const o = { length: 2 ** 24 + 10, 0: 'b', 5: 'a', [2 ** 24 + 3]: 'c' };
      const same = Array.prototype.sort.call(o) === o;
      JSON.stringify([same, o[0], o[1], o[2], 5 in o, 2 ** 24 + 3 in o, o.length])`),
    '[true,"a","b","c",false,false,16777226]',
    'a huge array-like: present values sorted to the front, the rest deleted',
  );
  t.equal(
    run('const a = [5, 1, 4]; a.length = 2 ** 24 + 5; a.sort(); JSON.stringify([a[0], a[1], a[2], 3 in a, a.length])'),
    '[1,4,5,false,16777221]',
    'a huge sparse array',
  );
  t.throws(() => run('[].sort(1)'), {
    name: 'TypeError',
    message: /comparison function must be either a function or undefined/,
  });
  t.equal(
    run('[Array.prototype.sort.name, Array.prototype.sort.length, "prototype" in Array.prototype.toSorted].join()'),
    'sort,1,false',
  );
});

t.test('toReversed, with and toSpliced on huge array-likes: the same results', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 512 });
  const run = (code: string) =>
    isolate
      .compileScriptSync(`{ const o = { length: 2 ** 24 + 3, 0: 'a', [2 ** 24 + 2]: 'z' }; ${code} }`)
      .runSync(context, { timeout: 60_000 });
  t.equal(
    run('const r = Array.prototype.toReversed.call(o); JSON.stringify([r.length, r[0], r[1], r[r.length - 1]])'),
    '[16777219,"z",null,"a"]',
  );
  t.equal(
    run('const r = Array.prototype.with.call(o, -1, "w"); JSON.stringify([r.length, r[0], r[1], r[r.length - 1]])'),
    '[16777219,"a",null,"w"]',
  );
  t.equal(run('JSON.stringify(Array.prototype.toSpliced.call(o, 1, 2 ** 24, "i"))'), '["a","i",null,"z"]');
  t.throws(() => run('Array.prototype.with.call(o, 2 ** 25, 1)'), { name: 'RangeError' });
  t.equal(
    run(
      'JSON.stringify([[1, 2, 3].toReversed(), [1, 2, 3].with(-1, 9), [1, 2, 3, 4].toSpliced(1, 2, "x"), [1, , 3].toReversed(), [1, 2].toSpliced(1)])',
    ),
    '[[3,2,1],[1,2,9],[1,"x",4],[3,null,1],[1]]',
  );
  t.equal(run('[[].toReversed.length, [].with.length, [].toSpliced.length, [].with.name].join()'), '0,2,2,with');
});

t.test('a process whose guest copies or sorts huge array-likes survives', async (t) => {
  // The abort is process-wide: check it from a child, so that a regression fails this test and not tap.
  const child = spawnSync(
    process.execPath,
    [
      '--no-node-snapshot',
      '-e',
      `const { Isolate } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'native', 'index.js'))});
       const isolate = new Isolate(); const context = isolate.createContextSync();
       for (const code of ['Array.prototype.sort.call({ length: 2 ** 32 - 1 })', 'Array.prototype.with.call({ length: 2 ** 32 - 1 }, 0, 1)',
           'Array.prototype.toSpliced.call({ length: 2 ** 32 - 1 }, 0, 1)', 'Array.prototype.toReversed.call({ length: 2 ** 32 - 1 })']) {
         try { isolate.compileScriptSync(code).runSync(context, { timeout: 200 }); } catch {}
       }
       console.log('alive');`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  t.equal(child.signal, null, `no signal (${child.stderr.slice(-200)})`);
  t.match(child.stdout, 'alive');
});
