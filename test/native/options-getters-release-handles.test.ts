// Pins: reading a call's options or arguments can run the caller's code (getters, proxies), and that
// code may release the very handle being called (script, reference, copy) or dispose the isolate.
// The call then finishes with what it started with, or fails with a clear error; the process lives.
// Every case here crashed the process (segmentation fault) before the handles held their data for the
// whole call.
import t from 'tap';
import { ExternalCopy } from './engine';
import { evalSync, sandbox } from './helpers';

/** Options whose first property read runs `effect` (every option reads as absent). */
function optionsThat(effect: () => void): object {
  let done = false;
  return new Proxy(
    {},
    {
      get() {
        if (!done) {
          done = true;
          effect();
        }
        return undefined;
      },
      has: () => true,
    },
  );
}

t.test('script released while its run options are read', async (t) => {
  const { isolate, context } = sandbox(t);
  for (const variant of ['runSync', 'run', 'runIgnored'] as const) {
    const script = isolate.compileScriptSync('globalThis.ran = (globalThis.ran ?? 0) + 1; 6 * 7');
    const result = await script[variant](
      context,
      optionsThat(() => script.release()),
    );
    if (variant !== 'runIgnored') t.equal(result, 42, `${variant}: runs the script it was called on`);
    t.throws(() => script.runSync(context), /Script has been released/, `${variant}: released afterwards`);
  }
  await isolate.compileScript('0').then((s) => s.run(context)); // queued after the ignored run
  t.equal(evalSync(isolate, context, 'ran'), 3, 'all three ran once');
});

t.test('reference disposed while apply reads its options or arguments', async (t) => {
  const { isolate, context } = sandbox(t);
  evalSync(isolate, context, 'globalThis.add = (a, b) => a + b');
  for (const variant of ['applySync', 'apply'] as const) {
    const add = context.global.getSync('add');
    t.equal(
      await add[variant](
        undefined,
        [1, 2],
        optionsThat(() => add.dispose()),
      ),
      3,
      `${variant}: options`,
    );
    t.throws(() => add.applySync(undefined, [1, 2]), /Reference has been released/, `${variant}: released afterwards`);
    const again = context.global.getSync('add');
    const args = [1, 2];
    Object.defineProperty(args, 0, {
      get() {
        again.dispose();
        return 40;
      },
    });
    t.equal(await again[variant](undefined, args), 42, `${variant}: arguments`);
  }
});

t.test('context released while a run reads its options', async (t) => {
  const { isolate, context } = sandbox(t);
  const script = isolate.compileScriptSync('1 + 1');
  t.equal(
    script.runSync(
      context,
      optionsThat(() => context.release()),
    ),
    2,
    'runs in the context it was given',
  );
  t.throws(() => script.runSync(context), /released/, 'released afterwards');
});

t.test('isolate disposed while a call reads its options or arguments', async (t) => {
  const cases: Array<
    [
      string,
      (isolate: ReturnType<typeof sandbox>['isolate'], context: ReturnType<typeof sandbox>['context']) => unknown,
    ]
  > = [
    [
      'runSync',
      (isolate, context) =>
        isolate.compileScriptSync('1').runSync(
          context,
          optionsThat(() => isolate.dispose()),
        ),
    ],
    [
      'run',
      (isolate, context) =>
        isolate.compileScriptSync('1').run(
          context,
          optionsThat(() => isolate.dispose()),
        ),
    ],
    [
      'applySync',
      (isolate, context) => {
        evalSync(isolate, context, 'globalThis.f = () => 1');
        return context.global.getSync('f').applySync(
          undefined,
          [],
          optionsThat(() => isolate.dispose()),
        );
      },
    ],
    [
      'setSync with a copied value',
      (isolate, context) =>
        context.global.setSync(
          'x',
          new ExternalCopy({
            get a() {
              isolate.dispose();
              return 1;
            },
          }).copyInto(),
        ),
    ],
    [
      'compileScriptSync',
      (isolate) =>
        isolate.compileScriptSync(
          '1',
          optionsThat(() => isolate.dispose()),
        ),
    ],
  ];
  for (const [name, call] of cases) {
    const { isolate, context } = sandbox(t);
    try {
      await call(isolate, context);
      t.fail(`${name}: should fail, the isolate is gone`);
    } catch (error) {
      t.match(error, { message: /disposed/ }, `${name}: says the isolate was disposed`);
    }
    t.ok(isolate.isDisposed, `${name}: disposed`);
  }
});

t.test('a copy transferred while its own transfer option is read', async (t) => {
  const { context } = sandbox(t);
  for (const outer of ['copy', 'copyInto'] as const) {
    const copy = new ExternalCopy(new Uint8Array([1, 2, 3]).buffer);
    let inner: unknown;
    const transferTwice = () => {
      const result = copy[outer]({
        get transfer() {
          inner = copy.copy({ transfer: true });
          return true;
        },
      });
      // copyInto's result is taken when it enters an isolate
      if (outer === 'copyInto') context.global.setSync('x', result as never);
    };
    t.throws(transferTwice, /already been transferred/, `${outer}: the second transfer fails`);
    t.same(new Uint8Array(inner as ArrayBuffer), [1, 2, 3], `${outer}: the first has the bytes`);
  }
});
