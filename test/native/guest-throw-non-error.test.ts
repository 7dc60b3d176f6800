// Pins: guests that throw something other than an Error (`throw 1`, `throw null`, a string, a
// plain object, an object whose getters loop forever, a Proxy whose traps loop forever) give the
// host a sane error: the thrown primitive itself or an Error describing it, never a crash or a
// hang; hostile throws end within the timeout and the isolate lives on.
// On isolated-vm 5.0.4 the looping-getter cases are expected to fail: it reads the thrown
// object's properties after the timeout has ended, so the run hangs.
import t from 'tap';
import { sandbox, evalSync, settlesWithin, timed, LATE_RUN_MS } from './helpers';

function isSane(thrown: unknown, value: unknown): boolean {
  if (Object.is(thrown, value)) return true;
  return thrown instanceof Error && typeof thrown.message === 'string' && thrown.message.length > 0;
}

t.test('primitives and plain objects', async (t) => {
  const { isolate, context } = sandbox(t);
  const cases: Array<[string, unknown]> = [
    ['throw 1', 1],
    ['throw null', null],
    ['throw undefined', undefined],
    ['throw "a string"', 'a string'],
    ['throw { code: 42 }', undefined],
    ['throw [1, 2]', undefined],
    ['throw Object.create(null)', undefined],
  ];
  for (const [code, value] of cases) {
    const sync = await timed(() => isolate.compileScriptSync(code).runSync(context));
    t.ok('error' in sync, `${code}: runSync throws`);
    t.ok(isSane(sync.error, value), `${code}: runSync gives ${String(sync.error)}`);
    const async = await timed(() => isolate.compileScriptSync(code).run(context));
    t.ok(isSane(async.error, value), `${code}: run gives ${String(async.error)}`);
  }
  t.equal(evalSync(isolate, context, '"usable"'), 'usable');
});

const hostile = [
  'throw { get name() { for (;;) {} }, get message() { for (;;) {} }, get stack() { for (;;) {} }, get constructor() { for (;;) {} } }',
  'throw new Proxy({}, { get() { for (;;) {} }, has() { for (;;) {} }, getPrototypeOf() { for (;;) {} }, ownKeys() { for (;;) {} }, getOwnPropertyDescriptor() { for (;;) {} } })',
  'const e = new Error("x"); Object.defineProperty(e, "message", { get() { for (;;) {} } }); throw e',
  'const e = new Error("x"); Object.defineProperty(e, "stack", { get() { for (;;) {} } }); throw e',
];

for (const code of hostile) {
  t.test(`within the timeout: ${code.slice(0, 60)}`, async (t) => {
    const { isolate, context } = sandbox(t);
    const timeout = 100;
    const script = isolate.compileScriptSync(code);
    const async = await timed(() => settlesWithin(script.run(context, { timeout }), 5000, 'run'));
    t.ok(async.error !== undefined, `run fails (${String(async.error)})`);
    t.notMatch(String(async.error), /still pending/, 'and does not hang');
    t.ok(async.ms <= timeout + LATE_RUN_MS, `run ended in ${async.ms.toFixed(0)} ms`);
    t.equal(await settlesWithin(isolate.compileScriptSync('"usable"').run(context), 5000, 'follow-up run'), 'usable');
  });
}
