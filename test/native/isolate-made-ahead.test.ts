// Pins: isorun builds the next isolate ahead, on a thread of its own, with the options of the last
// `new Isolate()`; an isolate taken from there is exactly a fresh one of its own options (memory cap,
// snapshot, guarded built-ins), the engine's counts stay exact, and a process may exit in the middle of
// building one. isorun only: isolated-vm builds every isolate on the caller's thread.
import path from 'node:path';
import t from 'tap';
import { runNode, typescriptImport } from './child-process';
import { Isolate, engineStats, peer } from './engine';

const MiB = 1024 * 1024;

if (peer) {
  t.pass('isolated-vm builds no isolate ahead');
} else {
  const stats = engineStats!;
  const madeAhead = () => stats().isolatesMadeAhead;
  // Polls every 10 ms, at most `attempts` times, until `done()`.
  const until = async (done: () => boolean, attempts: number) => {
    for (let wait = 0; wait < attempts && !done(); wait++) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  // The next isolate is built on another thread; a call that comes before it is ready builds its own.
  const untilReady = () => until(() => stats().isolatesReadyAhead !== 0, 500);

  t.test('the second isolate with the same options is the one made ahead, with its own cap', async (t) => {
    const before = stats();
    new Isolate({ memoryLimit: 24 }).dispose();
    await untilReady();
    t.equal(stats().isolatesReadyAhead, 1, 'one isolate is ready ahead');
    t.equal(stats().isolatesCreated - before.isolatesCreated, 1, 'and not counted as created until taken');
    const first = madeAhead();
    const isolate = new Isolate({ memoryLimit: 24 });
    t.equal(madeAhead(), first + 1, 'taken from the isolate built ahead');
    const limit = isolate.getHeapStatisticsSync().heap_size_limit;
    t.ok(limit <= 24 * MiB && limit >= 20 * MiB, `heap limit ${(limit / MiB).toFixed(1)} MB for a 24 MB cap`);
    // A guarded built-in in its first context: the guards it loaded ahead are in place.
    const context = isolate.createContextSync();
    t.throws(
      () => isolate.compileScriptSync('new Array(1e8).fill(0).length').runSync(context),
      /memory limit|Array buffer allocation failed|Invalid array length/i,
      'the cap stops a 100-million-element fill',
    );
    t.ok(isolate.isDisposed, 'and disposes the isolate, as the cap does');

    await untilReady();
    const other = new Isolate({ memoryLimit: 40 });
    t.equal(madeAhead(), first + 1, 'other options: built on the spot');
    const otherLimit = other.getHeapStatisticsSync().heap_size_limit;
    t.ok(otherLimit > 32 * MiB, `heap limit ${(otherLimit / MiB).toFixed(1)} MB for 40 MB`);
    other.dispose();

    t.equal(stats().isolatesCreated - before.isolatesCreated, 3, 'three isolates counted as created');
    // The capped one's large heap is freed by the engine's background thread after it was disposed.
    await until(() => stats().isolatesAlive === before.isolatesAlive, 200);
    t.equal(stats().isolatesAlive, before.isolatesAlive, 'none counted alive once freed');
  });

  t.test('an isolate made ahead boots the snapshot it was made for', async (t) => {
    const one = Isolate.createSnapshot([{ code: 'var which = "one"' }]);
    const two = Isolate.createSnapshot([{ code: 'var which = "two"' }]);
    const boot = async (snapshot: typeof one) => {
      await untilReady();
      const isolate = new Isolate({ snapshot, memoryLimit: 32 });
      const seen = isolate.compileScriptSync('which').runSync(isolate.createContextSync());
      isolate.dispose();
      return seen;
    };
    const first = madeAhead();
    const seen = [await boot(one), await boot(one), await boot(two), await boot(two), await boot(one)];
    t.same(seen, ['one', 'one', 'two', 'two', 'one']);
    t.equal(madeAhead(), first + 2, 'the repeats were made ahead, the switches built on the spot');
    const plain = new Isolate({ memoryLimit: 32 });
    t.equal(
      plain.compileScriptSync('typeof which').runSync(plain.createContextSync()),
      'undefined',
      'no snapshot: none of its globals',
    );
    plain.dispose();
  });

  t.test('options that change at every call: each spare made for the last ones is freed, none leaks', async (t) => {
    const before = stats();
    for (let i = 0; i < 200; i++) {
      const isolate = new Isolate({ memoryLimit: i % 2 ? 16 : 24 });
      if (i % 3 === 0) isolate.createContextSync();
      isolate.dispose();
    }
    t.equal(stats().isolatesCreated - before.isolatesCreated, 200, '200 counted as created');
    t.equal(stats().isolatesAlive, before.isolatesAlive, 'none alive');
    t.ok(stats().isolatesReadyAhead <= 1, 'at most one waiting');
  });

  t.test('isolates made ahead are fresh: nothing of an earlier one shows', async (t) => {
    for (let i = 0; i < 5; i++) {
      const isolate = new Isolate({ memoryLimit: 16 });
      const context = isolate.createContextSync();
      t.equal(isolate.compileScriptSync('typeof leftover').runSync(context), 'undefined', `isolate ${i}`);
      isolate.compileScriptSync('globalThis.leftover = 1; Array.prototype.extra = 1').runSync(context);
      isolate.dispose();
    }
  });

  const fixture = path.join(__dirname, 'fixtures', 'exit-while-making-ahead.ts');
  for (const [delayUs, how] of [
    [0, 'exit'],
    [300, 'exit'],
    [0, 'drain'],
    [300, 'drain'],
  ] as const) {
    t.test(`the process ends cleanly ${delayUs} µs into making one (${how})`, async (t) => {
      const child = await runNode(['--no-node-snapshot', typescriptImport, fixture, String(delayUs), how], {
        killAfterMs: 20_000,
      });
      t.notOk(child.timedOut, 'not killed');
      t.match(child.stdout, /exiting/);
      t.equal(child.signal, null, `no signal (${child.stderr.slice(-500)})`);
      t.equal(child.code, 0, 'exit code 0');
    });
  }
}
