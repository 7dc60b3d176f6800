// Every invocation the server refuses counts once, whatever step refused it: a module's syntax error or
// missing `export default` and too-deep `args` did not count (a script's syntax error did), and a wait
// that ended in OVERLOADED was not in the queue-wait histogram.
import t from 'tap';
import { run, startApp } from './helpers';

function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels} `));
  if (line === undefined) throw new Error(`no sample ${name}${labels}`);
  return Number(line.split(' ').pop());
}

t.test('refused invocations are counted as errors, turned-away waits are timed', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1, queueMaxWaitMs: 100, argsMaxDepth: 4 });
  const scrape = async () => (await isorun.app.inject({ method: 'GET', url: '/metrics' })).body;

  const refused: Array<[string, unknown]> = [
    ['COMPILE_ERROR', { code: '(a, b) =>' }],
    ['COMPILE_ERROR', { code: 'export default (' }],
    ['INVALID_REQUEST', { code: 'export const x = 1' }],
    ['INVALID_REQUEST', { code: '(a) => 1', args: [[[[[[1]]]]]] }],
  ];
  for (const [code, body] of refused) t.equal((await run(isorun, body)).body.code, code);
  t.equal((await run(isorun, { code: 1 })).body.code, 'INVALID_REQUEST', 'a body the schema refuses');
  let text = await scrape();
  t.equal(sample(text, 'isorun_invocations_total', '{outcome="error"}'), 4, 'each refusal once; not the schema’s');
  t.equal(sample(text, 'isorun_queue_wait_seconds_count'), 1, 'only the script waited for an isolate');

  const slow = run(isorun, { code: '() => new Promise((resolve) => setTimeout(resolve, 400))' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await run(isorun, { code: '1' })).body.code, 'OVERLOADED');
  await slow;
  text = await scrape();
  t.equal(sample(text, 'isorun_invocations_total', '{outcome="rejected"}'), 1);
  t.equal(sample(text, 'isorun_queue_wait_seconds_count'), 3, 'the turned-away wait is timed too');
  t.ok(sample(text, 'isorun_queue_wait_seconds_sum') >= 0.09, 'for as long as it waited');
});
