// Pins: each context has its own microtask queue. A job that a context's guest code queued after its
// last call (Atomics.waitAsync resolving later) runs in that context's next call, never in a call to
// another context of the same isolate (another tenant, in the server), and never once the context is
// released. Before, one queue per isolate ran it in whichever call came next.
// On isolated-vm 5.0.4 the first Atomics.waitAsync with a timeout aborts the process (SIGABRT).
import t from 'tap';
import { evalSync, sandbox } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Queues, 20 ms from now, a job that runs `body` (Atomics.waitAsync timing out). */
const later = (body: string) => `
  Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20).value.then(() => { ${body} });
  undefined`;

t.test("a context's late job runs in its own next call only", async (t) => {
  const { isolate, context: a } = sandbox(t);
  const b = isolate.createContextSync();
  evalSync(isolate, a, 'globalThis.ran = 0');
  evalSync(isolate, b, 'globalThis.ran = 0');
  evalSync(isolate, a, later('ran++'));
  await sleep(100);
  t.equal(evalSync(isolate, b, 'ran'), 0, 'a call to another context does not run it (nor sees its effect)');
  t.equal(evalSync(isolate, a, 'ran'), 0, 'it runs at the end of the next call to its context');
  t.equal(evalSync(isolate, a, 'ran'), 1, 'and has run once');
  t.equal(evalSync(isolate, b, 'ran'), 0, 'the other context never saw it');
});

t.test("another context's endless late job costs a call nothing", async (t) => {
  const { isolate, context: a } = sandbox(t);
  const b = isolate.createContextSync();
  evalSync(isolate, a, later('while (true) {}'));
  await sleep(100);
  const script = isolate.compileScriptSync('6 * 7');
  t.equal(script.runSync(b, { timeout: 2000 }), 42, 'the call in the other context completes');
  t.equal(await script.run(b, { timeout: 2000 }), 42, 'async too');
  t.throws(() => script.runSync(a, { timeout: 50 }), /timed out/, 'its own context pays for it');
  t.equal(script.runSync(a, { timeout: 50 }), 42, 'once');
});

t.test("a released context's late job never runs", async (t) => {
  const { isolate, context: b } = sandbox(t);
  const a = isolate.createContextSync();
  evalSync(isolate, a, later('while (true) {}'));
  a.release();
  await sleep(100);
  const script = isolate.compileScriptSync('6 * 7');
  t.equal(script.runSync(b, { timeout: 2000 }), 42, 'calls to other contexts complete');
  t.equal(await script.run(b, { promise: true, timeout: 2000 }), 42, 'again');
});

t.test('an awaited promise settles when a later call to its context resolves it', async (t) => {
  const { isolate, context } = sandbox(t);
  const other = isolate.createContextSync();
  const awaited = isolate
    .compileScriptSync('new Promise((resolve) => { globalThis.resolve = resolve })')
    .run(context, { promise: true, timeout: 5000 });
  await sleep(20);
  evalSync(isolate, other, 'globalThis.resolve = () => {}; resolve()');
  evalSync(isolate, context, 'resolve("late")');
  t.equal(await awaited, 'late');
});
