// What a guest leaves in an isolate can end it between invocations: V8 runs FinalizationRegistry
// callbacks between engine calls, and the engine disposes an isolate whose callback runs past 200 ms.
// The next invocation given that isolate, whose fresh context could then not be made, failed with 500
// INTERNAL_ERROR (counted as rejected, the disposal as `memory`), and the pool was not refilled. Now
// the dead isolate is counted as an overrun and replaced, and the invocation gets another isolate.
import t from 'tap';
import { IsolatePool, type DisposeReason, type PoolObserver } from '../../server/pool';
import { armFinalizationOverrun, eventually, poolOptions } from './helpers';

function observed() {
  const seen = { created: 0, disposed: [] as DisposeReason[] };
  const observer: PoolObserver = {
    isolateCreated: () => void seen.created++,
    isolateDisposed: (reason) => void seen.disposed.push(reason),
  };
  return { seen, observer };
}

t.test('an invocation given an isolate that dies before its context is ready gets another', async (t) => {
  const { seen, observer } = observed();
  const pool = new IsolatePool(poolOptions({ minIsolates: 1, maxIsolates: 1 }), observer);
  t.teardown(() => pool.close({ force: true }));
  await pool.warmUp();
  const first = await pool.acquire(32);
  await armFinalizationOverrun(first);
  await pool.release(first, { heapUsedBytes: undefined });
  // At once: the only isolate is idle, its next context queued behind the callback that ends it.
  const second = await pool.acquire(32);
  t.not(second.isolate, first.isolate, 'another isolate');
  t.ok(first.isolate.isDisposed, 'the first is gone');
  t.same(seen.disposed, ['overrun'], 'counted as an overrun');
  const script = await second.compile('6 * 7', 'check.js', 0);
  t.equal(await script.run(second.context.context), 42, 'the new isolate runs code');
  await pool.release(second, { heapUsedBytes: undefined });
  t.same(pool.counts(), { idle: 1, busy: 0, queued: 0 }, 'the pool is back at its minimum');
});

t.test('an idle isolate that dies is replaced', async (t) => {
  const { seen, observer } = observed();
  const pool = new IsolatePool(poolOptions({ minIsolates: 2, maxIsolates: 2 }), observer);
  t.teardown(() => pool.close({ force: true }));
  await pool.warmUp();
  const lease = await pool.acquire(32);
  await armFinalizationOverrun(lease);
  await pool.release(lease, { heapUsedBytes: undefined });
  await eventually(t, () => seen.created === 3, 'a replacement is created without a request');
  t.same(seen.disposed, ['overrun'], 'counted as an overrun');
  await eventually(t, () => pool.counts().idle === 2, 'the pool is back at its minimum');
  const leases = [await pool.acquire(32), await pool.acquire(32)];
  t.same(
    leases.map((each) => each.cold),
    [false, false],
    'both warm',
  );
  t.notOk(
    leases.some((each) => each.isolate === lease.isolate),
    'neither is the dead one',
  );
  for (const each of leases) await pool.release(each, { heapUsedBytes: undefined });
});

t.test('a fresh isolate that cannot make a context fails the invocation, without retrying forever', async (t) => {
  const { seen, observer } = observed();
  const pool = new IsolatePool(
    poolOptions({ minIsolates: 0, maxIsolates: 2, runtimeSource: 'throw new Error("broken runtime")' }),
    observer,
  );
  t.teardown(() => pool.close({ force: true }));
  await pool.warmUp();
  await t.rejects(pool.acquire(32), /broken runtime/);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(seen.created, 1, 'one isolate tried');
  t.same(seen.disposed, ['broken']);
});
