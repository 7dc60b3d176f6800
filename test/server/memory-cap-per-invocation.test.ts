// `memoryMb` caps each invocation, not an invocation plus what the previous one in its isolate left
// behind: 35 MB invocations in a row in 64 MB isolates answered MEMORY_LIMIT every other time (seen in
// a load test; test/native/heap-limit-released-context-garbage.test.ts pins the engine's cause).
import t from 'tap';
import { run, startApp } from './helpers';

t.test('invocations that fit the cap succeed one after another on a reused isolate', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1 });
  const code =
    '() => { const keep = []; for (let i = 0; i < 35 * 1024; i++) keep.push(new Array(128).fill(i)); return keep.length }';
  for (let invocation = 0; invocation < 12; invocation++) {
    const response = await run(isorun, { code, memoryMb: 64, timeoutMs: 5000 });
    t.equal(response.body.result, 35 * 1024, `invocation ${invocation}: ${response.body.code ?? 'ok'}`);
  }
});
