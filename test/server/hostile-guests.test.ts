// Hostile guests: each costs at most its own deadline or memory, gets a 4xx, and the server keeps serving.
import t from 'tap';
import type { IsorunApp } from '../../server/app';
import { run, startApp } from './helpers';

/** The count of isolates the pool disposed for `reason`, from /metrics. */
async function disposed(isorun: IsorunApp, reason: string): Promise<number> {
  const text = (await isorun.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`isorun_isolates_disposed_total{reason="${reason}"} `));
  return Number(line?.split(' ').pop());
}

t.test('hostile guests', async (t) => {
  const isorun = await startApp(t, { poolMaxIsolates: 2, resultMaxBytes: 64 * 1024 });
  const healthy = async () => {
    const response = await run(isorun, { code: '(a, b) => a + b', args: [2, 3] });
    t.equal(response.body.result, 5, 'the server still serves');
  };
  const cases: Array<[string, object, string]> = [
    ['infinite loop', { code: '() => { while (true) {} }', timeoutMs: 100 }, 'TIMEOUT'],
    ['infinite loop at top level', { code: 'while (true) {}', timeoutMs: 100 }, 'TIMEOUT'],
    [
      'infinite loop in a timer',
      { code: '() => new Promise(() => setTimeout(() => { for (;;) {} }, 1))', timeoutMs: 100 },
      'TIMEOUT',
    ],
    [
      'endless microtasks',
      {
        code: '() => { const spin = () => Promise.resolve().then(spin); spin(); return new Promise(() => {}) }',
        timeoutMs: 100,
      },
      'TIMEOUT',
    ],
    [
      'endless queueMicrotask',
      { code: '() => { const spin = () => queueMicrotask(spin); spin() }', timeoutMs: 100 },
      'TIMEOUT',
    ],
    ['never-resolving promise', { code: '() => new Promise(() => {})', timeoutMs: 100 }, 'TIMEOUT'],
    [
      'endless timers',
      { code: '() => new Promise(() => { const again = () => setTimeout(again, 0); again() })', timeoutMs: 100 },
      'TIMEOUT',
    ],
    [
      'array memory bomb',
      { code: '() => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1)) }', memoryMb: 32 },
      'MEMORY_LIMIT',
    ],
    [
      'string memory bomb',
      {
        code: '() => { const keep = []; for (let i = 0; ; i++) keep.push("x".repeat(1e6) + i) }',
        memoryMb: 32,
        timeoutMs: 10000,
      },
      'MEMORY_LIMIT',
    ],
    [
      'ArrayBuffer memory bomb',
      { code: '() => { const keep = []; for (;;) keep.push(new Uint8Array(4 * 1024 * 1024).fill(1)) }', memoryMb: 32 },
      'MEMORY_LIMIT',
    ],
    ['deep recursion', { code: '() => { const f = (n) => f(n + 1) + 1; return f(0) }' }, 'FUNCTION_ERROR'],
    [
      'huge JSON result',
      { code: '() => Array.from({ length: 200000 }, (_, i) => ({ i, text: "some text" }))' },
      'RESULT_TOO_LARGE',
    ],
    [
      'deeply nested result',
      { code: '() => { let a = []; for (let i = 0; i < 1e5; i++) a = [a]; return a }' },
      'RESULT_INVALID',
    ],
    [
      'getter throwing during result copy',
      { code: '() => ({ ok: 1, get bad() { throw new Error("gotcha") } })' },
      'RESULT_INVALID',
    ],
    [
      'proxy trap throwing during result copy',
      { code: '() => new Proxy({}, { ownKeys() { throw new Error("trap") } })' },
      'RESULT_INVALID',
    ],
    ['toJSON throwing', { code: '() => ({ toJSON() { throw new TypeError("toJSON") } })' }, 'RESULT_INVALID'],
    ['function result', { code: '() => () => 1' }, 'RESULT_INVALID'],
    ['symbol result', { code: '() => Symbol("s")' }, 'RESULT_INVALID'],
    ['nested BigInt', { code: '() => ({ n: 1n })' }, 'RESULT_INVALID'],
    [
      'throwing timer callback',
      {
        code: '() => new Promise((resolve) => { setTimeout(() => { throw new Error("in timer") }, 1); setTimeout(resolve, 50) })',
      },
      'FUNCTION_ERROR',
    ],
    [
      // V8 runs these callbacks between the invocation's engine calls, outside its timeout.
      'FinalizationRegistry callback that never returns',
      {
        code: `async () => {
          const registry = new FinalizationRegistry(() => { while (true) {} });
          (() => { for (let i = 0; i < 200; i++) registry.register({}, i) })();
          for (let k = 0; k < 100; k++) {
            const garbage = []; for (let i = 0; i < 2e5; i++) garbage.push({ i });
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        }`,
        memoryMb: 16,
        timeoutMs: 4000,
      },
      'TIMEOUT',
    ],
    [
      'Atomics.wait',
      { code: '() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)', timeoutMs: 100 },
      'TIMEOUT',
    ],
  ];
  let finalizationOverruns = 0;
  for (const [name, body, code] of cases) {
    const started = Date.now();
    // Counted around its own case: on a loaded machine a timed-out loop can also end past its grace and
    // have its isolate retired as an overrun, which is right but not what this counts.
    const overrunsBefore = await disposed(isorun, 'overrun');
    const response = await run(isorun, body);
    t.equal(response.body.code, code, `${name} → ${response.body.code}: ${response.body.detail}`);
    t.ok(response.status < 500, `${name}: not a 5xx`);
    t.ok(Date.now() - started < 5000, `${name}: bounded in time`);
    await healthy();
    if (name.startsWith('FinalizationRegistry'))
      finalizationOverruns = (await disposed(isorun, 'overrun')) - overrunsBefore;
  }
  t.equal(finalizationOverruns, 1, 'the FinalizationRegistry overrun is counted as one, not as memory');
  t.match(
    (
      await run(isorun, {
        code: '() => new Promise((r) => { setTimeout(() => { throw new Error("in timer") }, 1); setTimeout(r, 50) })',
      })
    ).body,
    { name: 'Error', message: 'in timer' },
  );
});

t.test('a timer set years ahead waits for the deadline, not in 1 ms polls', async (t) => {
  // Node clamps a delay over 2^31 - 1 ms to 1 ms, with a TimeoutOverflowWarning each time: the host
  // polled the guest every millisecond until the deadline and flooded stderr.
  const isorun = await startApp(t);
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  const response = await run(isorun, { code: 'new Promise((resolve) => setTimeout(resolve, 1e12))', timeoutMs: 300 });
  t.equal(response.body.code, 'TIMEOUT');
  t.same(warnings, [], 'no timer warnings');
});

t.test('a built-in that never checks for termination costs its own isolate, not the server', async (t) => {
  // Sorting a 128 MB Float64Array runs in V8's C++ for about 2 s without looking at the termination
  // the deadline sends. Before, the invocation answered only when the built-in returned, and disposing
  // its isolate blocked Node's thread until then.
  const isorun = await startApp(t, { poolMinIsolates: 2, poolMaxIsolates: 2 });
  const started = Date.now();
  const stuck = run(isorun, {
    // Filled fast (an integer generator, not Math.random) and given 1 s, so that the deadline falls in
    // the sort even on a loaded machine: a deadline in the fill loop is an ordinary timeout.
    code: `const a = new Float64Array(2 ** 24);
      for (let i = 0, x = 1; i < a.length; i++) a[i] = x = (x * 48271) % 2147483647;
      a.sort(); 1`,
    timeoutMs: 1000,
    memoryMb: 256,
  });
  const response = await stuck;
  const elapsed = Date.now() - started;
  t.equal(response.body.code, 'TIMEOUT');
  t.ok(elapsed < 2000, `answered ${elapsed} ms after it started, at its deadline, not when the built-in returned`);
  const next = await run(isorun, { code: '(a, b) => a + b', args: [2, 3] });
  t.equal(next.body.result, 5, 'the server serves meanwhile');
});

t.test('a huge error message is cut, not sent whole', async (t) => {
  // Nothing bounded what a thrown value carried: a 40 MB message made a 120 MB response (message,
  // detail and stack each held it), and a 10 MB one a misleading RESULT_INVALID.
  const isorun = await startApp(t);
  for (const code of [
    '() => { throw new Error("x".repeat(1e7)) }',
    'throw new Error("y".repeat(4e6))',
    '() => { throw "z".repeat(3e6) }',
  ]) {
    const response = await run(isorun, { code, memoryMb: 256 });
    t.equal(response.body.code, 'FUNCTION_ERROR', code);
    t.ok(response.body.message.length <= 16 * 1024 + 1, `message cut to ${response.body.message.length} characters`);
    t.ok(JSON.stringify(response.body).length < 100_000, 'a response of kilobytes');
  }
});

t.test("the runtime's frames stay out of stacks, and logs are cut between characters", async (t) => {
  const isorun = await startApp(t, { logMaxBytes: 5 });
  const threw = await run(isorun, { code: 'console.log({ get a() { throw new Error("g") } }); 1' });
  t.equal(threw.body.code, 'FUNCTION_ERROR');
  t.notMatch(threw.body.stack, 'isorun:runtime', 'no frame of the guest runtime');
  t.match(threw.body.stack, 'function.js', "the guest's own frames");
  const logged = await run(isorun, { code: '() => { console.log("abcd\\u{1F600}z"); return 1 }' });
  t.same(logged.body.logs, [{ level: 'log', message: 'abcd' }], 'not half of the emoji');
  t.equal(logged.body.logsTruncated, true);
});

t.test('toJSON and iterators on the prototypes cannot reshape what the runtime reports', async (t) => {
  // The envelope and the logs went through the guest's JSON.stringify: `Array.prototype.toJSON` made the
  // logs a number, and the host answered 500; `Object.prototype.toJSON` replaced the whole envelope.
  const isorun = await startApp(t);
  const tamper = `Object.prototype.toJSON = function () { return { outcome: 'ok', result: 'forged', logs: [] } };
    Array.prototype.toJSON = function () { return 5 };
    Array.prototype[Symbol.iterator] = function* () { yield 'forged' };`;
  const ok = await run(isorun, { code: `() => { ${tamper} console.log('hi'); return [1, 2] }` });
  t.equal(ok.status, 200);
  t.same(ok.body.result, 5, "the result's own JSON honours its toJSON, as JSON.stringify does");
  t.same(ok.body.logs, [{ level: 'log', message: 'hi' }], 'the logs are the logs');
  const timedOut = await run(isorun, { code: `() => { ${tamper} console.log('hi'); for (;;) {} }`, timeoutMs: 100 });
  t.equal(timedOut.status, 422, 'a guest-caused failure, not a 5xx');
  t.equal(timedOut.body.code, 'TIMEOUT');
  t.same(timedOut.body.logs, [{ level: 'log', message: 'hi' }]);
  const threw = await run(isorun, { code: `() => { ${tamper} throw new Error('real') }` });
  t.equal(threw.body.code, 'FUNCTION_ERROR');
  t.equal(threw.body.message, 'real');
});
