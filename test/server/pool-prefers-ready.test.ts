// The pool hands out an idle isolate whose next context is ready before one that is still making it,
// so an invocation does not wait for a context while another isolate has one waiting.
import t from 'tap';
import { IsolatePool } from '../../server/pool';
import { poolOptions } from './helpers';

const options = poolOptions();

t.test('a just-released isolate is passed over while another has its context ready', async (t) => {
  const pool = new IsolatePool(options);
  t.teardown(() => pool.close({ force: true }));
  await pool.warmUp();
  const first = await pool.acquire(32);
  const used = first.isolate;
  await pool.release(first, { heapUsedBytes: undefined });
  // `used` is idle again but still making its next context (it starts on the next turn of the loop).
  const second = await pool.acquire(32);
  t.not(second.isolate, used, 'the other isolate, whose context was ready');
  await pool.release(second, { heapUsedBytes: undefined });

  // With every idle isolate still preparing, the first of them is taken (no new isolate, no wait in the queue).
  const third = await pool.acquire(32);
  t.ok([used, second.isolate].includes(third.isolate), 'an isolate of the pool');
  t.equal(pool.counts().busy, 1);
  await pool.release(third, { heapUsedBytes: undefined });
});
