// The pool keeps its isolates warm after the engine kills one: an isolate disposed at its memory cap,
// or for guest code that overran, is replaced in the background as a worn-out one is. Before, the pool
// stayed one short (below `poolMinIsolates`) and the next invocation waited for a cold start.
import t from 'tap';
import { IsolatePool } from '../../server/pool';
import { eventually, poolOptions, run, startApp } from './helpers';

t.test('after a MEMORY_LIMIT the next invocation finds a warm isolate', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1, defaultMemoryMb: 16 });
  const bomb = await run(isorun, { code: '() => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1)) }' });
  t.equal(bomb.body.code, 'MEMORY_LIMIT');
  const next = await run(isorun, { code: '() => 1' });
  t.equal(next.status, 200);
  t.equal(next.body.stats.isolate, 'warm', 'made in the background, not for this invocation');
  const metrics = (await isorun.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.match(metrics, /^isorun_isolates_created_total 2$/m, 'one replacement');
  t.match(metrics, /^isorun_isolates_disposed_total\{reason="memory"\} 1$/m);
});

t.test('an invocation that arrives while the replacement is made takes it, even with no queue', async (t) => {
  // The replacement holds the pool's only slot while it is created: it must not turn the next invocation away.
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1, queueMaxLength: 0 });
  const bomb = await run(isorun, { code: '() => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1)) }' });
  t.equal(bomb.body.code, 'MEMORY_LIMIT');
  const next = await run(isorun, { code: '() => 1' });
  t.equal(next.status, 200, `→ ${next.body.code ?? 'ok'}`);
});

t.test('an isolate retired for an overrun is replaced without waiting for a request', async (t) => {
  let created = 0;
  const pool = new IsolatePool(poolOptions({ minIsolates: 2, maxIsolates: 4 }), {
    isolateCreated: () => void created++,
    isolateDisposed: () => undefined,
  });
  t.teardown(() => pool.close({ force: true }));
  await pool.warmUp();
  pool.retire(await pool.acquire(32));
  await eventually(t, () => created === 3 && pool.counts().idle === 2, 'back to two idle isolates');
});
