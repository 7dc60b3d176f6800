// Pins: disposing an isolate while an async run is executing on an engine thread stops the run
// and rejects its promise with an Error about the disposal, without crashing; repeated with
// varying timing to shake out races, and for spinning loops, microtask loops and Atomics.wait.
// On isolated-vm 5.0.4 the apply subtest is expected to fail: version 5's getSync turns a guest
// function into a host callback instead of a Reference.
import t from 'tap';
import { Isolate } from './engine';
import { settlesWithin, expectUsableOrDisposed } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const spinners = [
  'while (true) {}',
  'function again() { Promise.resolve().then(again) } again(); 1',
  'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)',
];

for (const code of spinners) {
  t.test(`dispose stops: ${code}`, async (t) => {
    const isolate = new Isolate();
    const context = isolate.createContextSync();
    const running = isolate.compileScriptSync(code).run(context);
    await sleep(50);
    isolate.dispose();
    await t.rejects(settlesWithin(running, 5000, 'the disposed run'), { message: /dispos/i });
    t.equal(isolate.isDisposed, true);
    await expectUsableOrDisposed(t, isolate);
  });
}

t.test('dispose at varying moments of a short run never crashes', async (t) => {
  for (let i = 0; i < 40; i++) {
    const isolate = new Isolate();
    const context = isolate.createContextSync();
    const run = isolate.compileScriptSync('let n = 0; for (let i = 0; i < 1e5; i++) n += i; n').run(context);
    if (i % 4 === 1) await Promise.resolve();
    if (i % 4 === 2) await sleep(0);
    if (i % 4 === 3) await sleep(1);
    isolate.dispose();
    const outcome = await settlesWithin(run, 5000, `run ${i}`).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if ('error' in outcome) t.match(outcome.error, { message: /dispos/i }, `run ${i} rejected for the disposal`);
    else t.equal(outcome.value, 4999950000, `run ${i} finished before the disposal`);
  }
});

t.test('dispose while a guest function is applied', async (t) => {
  const isolate = new Isolate();
  const context = isolate.createContextSync();
  // Bounded (10 s) so a wrong engine fails the test instead of spinning forever.
  isolate
    .compileScriptSync('globalThis.spin = () => { for (const end = Date.now() + 10000; Date.now() < end; ) {} }')
    .runSync(context);
  const call = context.global.getSync('spin').apply(undefined, []);
  await sleep(30);
  isolate.dispose();
  await t.rejects(settlesWithin(call, 5000, 'the disposed apply'), { message: /dispos/i });
});
