// The console methods beyond log/info/warn/error/debug, as Node's and Deno's: code written for those
// runtimes failed here with "console.dir is not a function".
import t from 'tap';
import { run, startApp } from './helpers';

type Log = { level: string; message: string };

t.test('console methods beyond the five levels', async (t) => {
  const isorun = await startApp(t, { logMaxEntries: 50, logMaxBytes: 4000 });
  const logsOf = async (code: string): Promise<Log[]> => {
    const response = await run(isorun, { code });
    t.equal(response.status, 200, JSON.stringify(response.body).slice(0, 300));
    return response.body.logs;
  };

  t.test('dir and assert', async (t) => {
    const logs = await logsOf(`() => {
      console.dir({ a: 1, nested: { list: [1, 2] } });
      console.dir('text');
      console.assert(true, 'never shown');
      console.assert(false);
      console.assert(0, 'x is %d', 5);
      console.assert('', { a: 1 });
    }`);
    t.same(logs, [
      { level: 'log', message: '{ a: 1, nested: { list: [ 1, 2 ] } }' },
      { level: 'log', message: "'text'" },
      { level: 'error', message: 'Assertion failed' },
      { level: 'error', message: 'Assertion failed: x is 5' },
      { level: 'error', message: 'Assertion failed { a: 1 }' },
    ]);
  });

  t.test('count and countReset', async (t) => {
    const logs = await logsOf(`() => {
      console.count(); console.count(); console.count('apples'); console.count(undefined);
      console.countReset(); console.count(); console.countReset('pears');
    }`);
    t.same(logs, [
      { level: 'log', message: 'default: 1' },
      { level: 'log', message: 'default: 2' },
      { level: 'log', message: 'apples: 1' },
      { level: 'log', message: 'default: 3' },
      { level: 'log', message: 'default: 1' },
      { level: 'warn', message: "Count for 'pears' does not exist" },
    ]);
  });

  t.test('time, timeLog and timeEnd', async (t) => {
    const logs = await logsOf(`async () => {
      console.time(); console.time('t');
      await new Promise((resolve) => setTimeout(resolve, 5));
      console.timeLog('t', 'step', { n: 1 });
      console.timeEnd('t'); console.timeEnd('t'); console.timeLog('missing'); console.timeEnd();
      console.time('again'); console.time('again');
    }`);
    t.equal(logs.length, 6);
    t.match(logs[0], { level: 'log', message: /^t: \d+(\.\d+)?ms step \{ n: 1 \}$/ });
    t.match(logs[1], { level: 'log', message: /^t: \d+(\.\d+)?ms$/ });
    t.same(logs[2], { level: 'warn', message: "No such label 't' for console.timeEnd()" });
    t.same(logs[3], { level: 'warn', message: "No such label 'missing' for console.timeLog()" });
    t.match(logs[4], { level: 'log', message: /^default: \d+(\.\d+)?ms$/ });
    t.same(logs[5], { level: 'warn', message: "Label 'again' already exists for console.time()" });
  });

  t.test('group, groupCollapsed and groupEnd indent every line of later messages', async (t) => {
    const logs = await logsOf(`() => {
      console.group('Outer', 1);
      console.log('in outer');
      console.groupCollapsed();
      console.error('two\\nlines');
      console.groupEnd(); console.groupEnd(); console.groupEnd();
      console.log('back');
    }`);
    t.same(logs, [
      { level: 'log', message: 'Outer 1' },
      { level: 'log', message: '  in outer' },
      { level: 'error', message: '    two\n    lines' },
      { level: 'log', message: 'back' },
    ]);
  });

  t.test('trace: the message and the guest frames, none of the runtime', async (t) => {
    const logs = await logsOf(`() => {
      function inner() { console.trace('here %d', 1); }
      function outer() { inner(); }
      outer();
      console.trace();
    }`);
    t.equal(logs.length, 2);
    const [first, second] = logs.map((entry) => entry.message.split('\n'));
    t.equal(logs[0]!.level, 'debug');
    t.equal(first![0], 'Trace: here 1');
    t.match(first![1], /^ {4}at inner \(/);
    t.match(first![2], /^ {4}at outer \(/);
    t.equal(second![0], 'Trace');
    t.ok(second!.length > 1, 'frames follow');
    t.notOk(
      logs.some((entry) => entry.message.includes('isorun:runtime')),
      "the runtime's own frames are left out",
    );
  });

  t.test('table: an aligned text table as Node prints it', async (t) => {
    const logs = await logsOf(`() => {
      console.table([{ a: 1, b: 'x' }, { a: 2, c: true }]);
      console.table([1, 'two', { a: 1 }]);
      console.table({ r1: { x: 1 }, r2: { y: [1, 2, 3, 4], z: { p: 1, q: 2, r: 3 } } });
      console.table(new Map([['k', { v: 1 }]]));
      console.table(new Set(['a']));
      console.table([{ a: 1, b: 2 }], ['b']);
      console.table(5);
    }`);
    t.same(
      logs.map((entry) => entry.level),
      ['log', 'log', 'log', 'log', 'log', 'log', 'log'],
    );
    t.same(
      logs.map((entry) => entry.message),
      [
        [
          '┌─────────┬───┬─────┬──────┐',
          '│ (index) │ a │ b   │ c    │',
          '├─────────┼───┼─────┼──────┤',
          "│ 0       │ 1 │ 'x' │      │",
          '│ 1       │ 2 │     │ true │',
          '└─────────┴───┴─────┴──────┘',
        ].join('\n'),
        [
          '┌─────────┬───┬────────┐',
          '│ (index) │ a │ Values │',
          '├─────────┼───┼────────┤',
          '│ 0       │   │ 1      │',
          "│ 1       │   │ 'two'  │",
          '│ 2       │ 1 │        │',
          '└─────────┴───┴────────┘',
        ].join('\n'),
        [
          '┌─────────┬───┬──────────────────────────────┬──────────┐',
          '│ (index) │ x │ y                            │ z        │',
          '├─────────┼───┼──────────────────────────────┼──────────┤',
          '│ r1      │ 1 │                              │          │',
          '│ r2      │   │ [ 1, 2, 3, ... 1 more item ] │ [Object] │',
          '└─────────┴───┴──────────────────────────────┴──────────┘',
        ].join('\n'),
        [
          '┌───────────────────┬─────┬──────────┐',
          '│ (iteration index) │ Key │ Values   │',
          '├───────────────────┼─────┼──────────┤',
          "│ 0                 │ 'k' │ { v: 1 } │",
          '└───────────────────┴─────┴──────────┘',
        ].join('\n'),
        [
          '┌───────────────────┬────────┐',
          '│ (iteration index) │ Values │',
          '├───────────────────┼────────┤',
          "│ 0                 │ 'a'    │",
          '└───────────────────┴────────┘',
        ].join('\n'),
        ['┌─────────┬───┐', '│ (index) │ b │', '├─────────┼───┤', '│ 0       │ 2 │', '└─────────┴───┘'].join('\n'),
        '5',
      ],
    );
  });

  t.test('hostile input: cyclic, throwing getters, Proxies and labels never break the console', async (t) => {
    const logs = await logsOf(`() => {
      const cyclic = { name: 'c' }; cyclic.self = cyclic;
      console.table([cyclic]);
      console.table({ row: { get bad() { throw new Error('getter') }, good: 1 } });
      console.table(new Proxy({}, { ownKeys() { throw new Error('trap') } }));
      const sparse = []; sparse.length = 2 ** 32 - 1;
      console.table(sparse);
      const label = { toString() { throw new Error('label') } };
      const thrown = [];
      for (const call of [() => console.count(label), () => console.time(label), () => console.timeEnd(label)]) {
        try { call() } catch (e) { thrown.push(e.message) }
      }
      console.log(thrown.join(','));
      console.count();
      console.group(label);
      console.groupEnd();
    }`);
    t.same(logs[0], {
      level: 'log',
      message: [
        '┌─────────┬──────┬───────────────────────────────┐',
        '│ (index) │ name │ self                          │',
        '├─────────┼──────┼───────────────────────────────┤',
        "│ 0       │ 'c'  │ { name: 'c', self: [Object] } │",
        '└─────────┴──────┴───────────────────────────────┘',
      ].join('\n'),
    });
    t.match(logs[1]!.message, /│ row +│ \[Thrown\] │ 1 +│/, 'a throwing getter shows in its cell');
    const empty = ['┌─────────┐', '│ (index) │', '├─────────┤', '└─────────┘'].join('\n');
    t.equal(logs[2]!.message, empty, 'an object whose keys cannot be read is an empty table');
    t.equal(logs[3]!.message, empty, 'a sparse array of length 2^32-1 is an empty table');
    t.same(logs.slice(4), [
      // The label's own error reaches the guest, as in Node; the console's state is unchanged.
      { level: 'log', message: 'label,label,label' },
      { level: 'log', message: 'default: 1' },
      // A group's label is formatted as console.log formats it: its toString is not called.
      { level: 'log', message: '{ toString: [Function: toString] }' },
    ]);
  });

  t.test('a huge table is one message cut at the log limit', async (t) => {
    const response = await run(isorun, {
      code: `() => { console.table(Array.from({ length: 100000 }, (_, i) => ({ i, s: 'x'.repeat(i % 50) }))); return 1 }`,
    });
    t.equal(response.status, 200);
    t.equal(response.body.result, 1);
    t.equal(response.body.logs.length, 1);
    t.equal(response.body.logs[0].message.length, 4000);
    t.match(response.body.logs[0].message, /^┌─────────┬[─┬]+┐\n│ \(index\) │ i +│ s +│\n/);
    t.equal(response.body.logsTruncated, true);
  });
});
