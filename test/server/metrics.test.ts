// Metrics change as expected after a known sequence of requests.
import t from 'tap';
import { run, startApp } from './helpers';

function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels} `));
  if (line === undefined) throw new Error(`no sample ${name}${labels}`);
  return Number(line.split(' ').pop());
}

t.test('metrics after a known sequence', async (t) => {
  const isorun = await startApp(t, {
    poolMinIsolates: 1,
    poolMaxIsolates: 1,
    queueMaxLength: 0,
    maxUsesPerIsolate: 1000,
  });
  const scrape = async () => {
    const response = await isorun.app.inject({ method: 'GET', url: '/metrics' });
    t.match(response.headers['content-type'], /^text\/plain/);
    return response.body;
  };
  const before = await scrape();
  t.equal(sample(before, 'isorun_isolates_created_total'), 1, 'the warm isolate');
  t.equal(sample(before, 'isorun_pool_isolates', '{state="idle"}'), 1);
  t.ok(sample(before, 'isorun_isolate_heap_used_bytes') > 0, 'heap read at scrape time');
  t.ok(sample(before, 'isorun_isolate_heap_limit_bytes') >= 64 * 1024 * 1024 * 0.9);
  t.ok(sample(before, 'process_cpu_seconds_total') > 0, 'default process metrics');

  await run(isorun, { code: '(a, b) => a + b', args: [1, 2] });
  await run(isorun, { code: '() => "again"' });
  await run(isorun, { code: '() => { throw new Error("x") }' });
  await run(isorun, { code: '() => { for (;;) {} }', timeoutMs: 30 });
  await run(isorun, { code: '() => { const keep = []; for (;;) keep.push(new Array(1e5).fill(1)) }', memoryMb: 16 });
  const slow = run(isorun, { code: '() => new Promise((r) => setTimeout(r, 200))' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await run(isorun, { code: '1' })).body.code, 'OVERLOADED');
  const during = await scrape();
  t.equal(sample(during, 'isorun_pool_isolates', '{state="busy"}'), 1, 'busy while the slow one runs');
  await slow;
  await isorun.app.inject({ method: 'GET', url: '/nope' });

  const after = await scrape();
  t.equal(sample(after, 'isorun_invocations_total', '{outcome="ok"}'), 3);
  t.equal(sample(after, 'isorun_invocations_total', '{outcome="error"}'), 1);
  t.equal(sample(after, 'isorun_invocations_total', '{outcome="timeout"}'), 1);
  t.equal(sample(after, 'isorun_invocations_total', '{outcome="memory"}'), 1);
  t.equal(sample(after, 'isorun_invocations_total', '{outcome="rejected"}'), 1);
  t.equal(sample(after, 'isorun_invocation_duration_seconds_count', '{outcome="ok"}'), 3);
  t.equal(sample(after, 'isorun_invocation_cpu_seconds_count', '{outcome="timeout"}'), 1);
  t.ok(sample(after, 'isorun_invocation_cpu_seconds_sum', '{outcome="timeout"}') >= 0.02, 'the loop burned its CPU');
  // The heap bomb's isolate was disposed before its CPU time could be read: left out, not counted as 0 s.
  t.equal(sample(after, 'isorun_invocation_duration_seconds_count', '{outcome="memory"}'), 1);
  t.notOk(after.includes('isorun_invocation_cpu_seconds_count{outcome="memory"}'));
  // The turned-away invocation's wait counts too (none here: the queue holds nothing).
  t.equal(sample(after, 'isorun_queue_wait_seconds_count'), 7);
  // The 16 MB request evicted the idle 64 MB isolate (pool max 1), then died of memory; the next got a new one.
  t.equal(sample(after, 'isorun_isolates_disposed_total', '{reason="memory"}'), 1);
  t.equal(sample(after, 'isorun_isolates_disposed_total', '{reason="evicted"}'), 1);
  t.equal(sample(after, 'isorun_isolates_created_total'), 3);
  t.equal(sample(after, 'isorun_queue_length'), 0);
  t.equal(
    sample(after, 'isorun_http_request_duration_seconds_count', '{method="POST",route="/run",status_code="200"}'),
    3,
    'HTTP by route template',
  );
  t.equal(
    sample(after, 'isorun_http_request_duration_seconds_count', '{method="GET",route="unmatched",status_code="404"}'),
    1,
  );
  t.notMatch(after, '/nope', 'raw URLs never become labels');
});

t.test('isolates are recycled after maxUsesPerIsolate', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1, maxUsesPerIsolate: 2 });
  const kinds = [];
  for (let index = 0; index < 5; index++) kinds.push((await run(isorun, { code: '1' })).body.stats.isolate);
  // Each worn-out isolate is replaced in the background: the next invocation finds the new one ready.
  t.same(kinds, ['warm', 'warm', 'warm', 'warm', 'warm']);
  const text = (await isorun.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.equal(sample(text, 'isorun_isolates_disposed_total', '{reason="uses"}'), 2);
  t.equal(sample(text, 'isorun_isolates_created_total'), 3, 'one at start, two replacements');
});

/** One 64 MB isolate, replaced once its heap passes 6.4 MB. */
const ONE_ISOLATE_RECYCLED_AT_10_PERCENT = {
  poolMinIsolates: 1,
  poolMaxIsolates: 1,
  recycleHeapPercent: 10,
  defaultMemoryMb: 64,
};

t.test('isolates are recycled when their heap grows past the threshold', async (t) => {
  const isorun = await startApp(t, ONE_ISOLATE_RECYCLED_AT_10_PERCENT);
  const grown = await run(isorun, { code: '() => { globalThis.keep = new Array(2e6).fill({}); return 1 }' });
  t.ok(grown.body.stats.heapUsedBytes > 6.4 * 1024 * 1024, 'the heap grew');
  const next = await run(isorun, { code: '() => typeof keep' });
  t.equal(next.body.result, 'undefined');
  t.ok(next.body.stats.heapUsedBytes < 6.4 * 1024 * 1024, 'a new isolate replaced it');
  const text = (await isorun.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.equal(sample(text, 'isorun_isolates_disposed_total', '{reason="heap"}'), 1);
  t.equal(sample(text, 'isorun_isolates_created_total'), 2, 'one at start, one replacement');
});

t.test('the heap is read after the timers an invocation waited for, not when its first call returned', async (t) => {
  const isorun = await startApp(t, ONE_ISOLATE_RECYCLED_AT_10_PERCENT);
  const grown = await run(isorun, {
    code: 'async () => { await new Promise((resolve) => setTimeout(resolve, 5)); globalThis.keep = new Array(2e6).fill({}); return 1 }',
  });
  t.equal(grown.body.result, 1);
  t.ok(grown.body.stats.heapUsedBytes > 6.4 * 1024 * 1024, 'the growth after the timer is counted');
  const text = (await isorun.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.equal(sample(text, 'isorun_isolates_disposed_total', '{reason="heap"}'), 1, 'and recycles the isolate');
});

t.test('queued invocations wait for a free isolate, then run', async (t) => {
  const isorun = await startApp(t, {
    poolMinIsolates: 1,
    poolMaxIsolates: 1,
    queueMaxLength: 10,
    queueMaxWaitMs: 5000,
  });
  const responses = await Promise.all(
    Array.from({ length: 4 }, (_, index) =>
      run(isorun, { code: `async () => { await new Promise((r) => setTimeout(r, 30)); return ${index} }` }),
    ),
  );
  t.same(
    responses.map((response) => response.body.result),
    [0, 1, 2, 3],
  );
  t.ok(responses[3]!.body.stats.queueMs >= 60, 'the last one waited for the others');
});

t.test('the queue wait is bounded', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1, queueMaxLength: 10, queueMaxWaitMs: 50 });
  const slow = run(isorun, { code: '() => new Promise((r) => setTimeout(r, 300))' });
  const waited = await run(isorun, { code: '1' });
  t.equal(waited.status, 503);
  t.equal(waited.body.code, 'OVERLOADED');
  t.match(waited.body.detail, /50 ms/);
  t.equal((await slow).status, 200);
});
