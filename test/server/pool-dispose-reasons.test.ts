// The pool names why it disposed an isolate: `overrun` when guest code ran past a limit the isolate
// could not survive (retired while stuck past its deadline, or disposed by the engine after a
// FinalizationRegistry overrun), `memory` when the engine disposed it at its memory cap. Before, the
// first was counted as `broken` and the second as `memory`. Which of the two the engine did, the pool
// reads from the engine (a disposed isolate's calls name an overrun), whatever the invocation saw.
import t from 'tap';
import { IsolatePool, type DisposeReason, type PoolObserver } from '../../server/pool';
import { armFinalizationOverrun, eventually, poolOptions } from './helpers';

const options = poolOptions({ minIsolates: 1, maxIsolates: 1 });

t.test('each way an invocation ends its isolate is counted under its reason', async (t) => {
  const reasons: DisposeReason[] = [];
  const observer: PoolObserver = {
    isolateCreated: () => undefined,
    isolateDisposed: (reason) => void reasons.push(reason),
  };
  const pool = new IsolatePool(options, observer);
  t.teardown(() => pool.close({ force: true }));
  await pool.warmUp();

  pool.retire(await pool.acquire(32));
  t.same(reasons, ['overrun'], 'a lease retired while its call is stuck');

  const overran = await pool.acquire(32);
  await armFinalizationOverrun(overran);
  await eventually(t, () => overran.isolate.isDisposed, 'the engine disposes the isolate after the overrun');
  await pool.release(overran, { heapUsedBytes: undefined });
  t.same(reasons, ['overrun', 'overrun'], 'an isolate the engine disposed after an overrun');

  const killed = await pool.acquire(32);
  killed.isolate.dispose(); // as the engine does at the memory cap
  await pool.release(killed, { heapUsedBytes: undefined });
  t.same(reasons, ['overrun', 'overrun', 'memory'], 'an isolate the engine disposed at its cap');
});
