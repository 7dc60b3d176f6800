// The compiled scripts a pool keeps per isolate (requests that repeat code skip the compile) are bounded
// in size, not only in number. Their source lives in the isolate's heap, and 64 were kept whatever their
// size: 30 requests of distinct 0.9 MB code left 28 MB there, which a later request that fits its cap on
// a fresh isolate then met as MEMORY_LIMIT (and saw in its heapUsedBytes: other requests' activity);
// Node kept every code text as a key (256 such requests grew its heap from 22 to 260 MB).
import t from 'tap';
import { IsolatePool } from '../../server/pool';
import { poolOptions, run, startApp } from './helpers';

/** Distinct code of about `chars` characters (two-byte ones: twice that in V8's heap). */
const bigCode = (index: number, chars: number) =>
  `() => ${index} // ${String.fromCharCode(0x100 + index).repeat(chars)}`;

t.test('large code does not stay in the isolate for later requests to pay for', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1, defaultMemoryMb: 16 });
  // 12 MB of buffers: fits the 16 MB cap with the runtime's 2 MB or so, not with 5 MB of others' code as well.
  const fits =
    '() => { const keep = []; for (let i = 0; i < 6; i++) keep.push(new Float64Array(1 << 18).fill(i)); return keep.length }';
  t.equal((await run(isorun, { code: fits })).body.result, 6, 'fits on a fresh isolate');
  for (let index = 0; index < 12; index++) {
    t.equal((await run(isorun, { code: bigCode(index, 200_000) })).status, 200);
  }
  const after = await run(isorun, { code: fits });
  t.equal(after.body.result, 6, `still fits after 12 requests of large code → ${after.body.code ?? 'ok'}`);
  // --expose-gc (.taprc) gives guests gc(): after a full collection, what remains is what the isolate keeps.
  const kept = await run(isorun, { code: '() => { gc(); return 1 }' });
  t.ok(
    kept.body.stats.heapUsedBytes < 4 * 1024 * 1024,
    `heap after a collection: ${kept.body.stats.heapUsedBytes} bytes`,
  );
  t.equal(kept.body.stats.isolate, 'warm', 'on the same isolate');
});

t.test('small code is cached, within a bound on its total size; Node keeps no large code', async (t) => {
  const pool = new IsolatePool(poolOptions({ minIsolates: 1, maxIsolates: 1 }));
  t.teardown(() => pool.close({ force: true }));
  await pool.warmUp();
  const compileTwice = async (code: string) => {
    const lease = await pool.acquire(32);
    const first = await lease.compile(code, 'function.js', 0);
    const second = await lease.compile(code, 'function.js', 0);
    await pool.release(lease, { heapUsedBytes: undefined });
    return first === second;
  };
  t.ok(await compileTwice('() => 1'), 'small code: compiled once');
  t.notOk(await compileTwice(`() => 1 // ${'x'.repeat(20_000)}`), 'code over 16 KB: compiled each time');

  // 20 distinct scripts of 15 KB: 300 KB, over the 256 KB kept per isolate, so the first is dropped.
  const lease = await pool.acquire(32);
  const mid = (index: number) => `() => ${index} // ${'y'.repeat(15_000)}`;
  const firstScript = await lease.compile(mid(0), 'function.js', 0);
  for (let index = 1; index < 20; index++) await lease.compile(mid(index), 'function.js', 0);
  t.equal(
    await lease.compile(mid(19), 'function.js', 0),
    await lease.compile(mid(19), 'function.js', 0),
    'the latest kept',
  );
  t.not(await lease.compile(mid(0), 'function.js', 0), firstScript, 'the oldest dropped');
  await pool.release(lease, { heapUsedBytes: undefined });

  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < 40; index++) {
    const each = await pool.acquire(32);
    await each.compile(`() => ${index} // ${'z'.repeat(256 * 1024)}`, 'function.js', 0);
    await pool.release(each, { heapUsedBytes: undefined });
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  t.ok(grown < 4 * 1024 * 1024, `Node's heap grew ${(grown / 1024 / 1024).toFixed(1)} MB for 10 MB of distinct code`);
});
