// A real server process: SIGTERM with invocations in flight lets them finish, refuses new work, exits 0.
import t from 'tap';
import { startServerProcess as startServer } from './server-process';

const post = (base: string, body: object) =>
  fetch(`${base}/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

t.test('SIGTERM with invocations in flight', async (t) => {
  const server = startServer({ ISORUN_GRACE_PERIOD_MS: '5000', ISORUN_POOL_MAX_ISOLATES: '4' });
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  const base = await server.listening;
  t.equal(
    ((await (await post(base, { code: '(a, b) => a + b', args: [1, 2] })).json()) as { result: number }).result,
    3,
  );

  const inFlight = [1, 2, 3].map((n) =>
    post(base, { code: `async () => { await new Promise((r) => setTimeout(r, 400)); return ${n} }` }),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  server.child.kill('SIGTERM');
  const finished = await Promise.all(inFlight);
  t.same(
    finished.map((response) => response.status),
    [200, 200, 200],
    'in-flight invocations finish',
  );
  t.same(
    await Promise.all(finished.map(async (response) => ((await response.json()) as { result: number }).result)),
    [1, 2, 3],
  );
  const refused = await post(base, { code: '1' }).catch((error: Error) => error);
  t.ok(refused instanceof Error || refused.status === 503, 'new work is refused once closing');
  t.equal(await server.exited, 0, 'exit 0');
  t.match(server.output(), /"signal":"SIGTERM"/);
  t.notMatch(server.output(), /setTimeout\(r, 400\)/, 'code is never logged');
});

t.test('past the grace period, unfinished invocations are cut and the process still exits 0', async (t) => {
  const server = startServer({ ISORUN_GRACE_PERIOD_MS: '200', ISORUN_MAX_TIMEOUT_MS: '60000' });
  t.teardown(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  const base = await server.listening;
  const stuck = post(base, { code: '() => { for (;;) {} }', timeoutMs: 60000 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  server.child.kill('SIGTERM');
  const response = await stuck;
  t.equal(response.status, 503);
  t.equal(((await response.json()) as { code: string }).code, 'SHUTTING_DOWN');
  t.equal(await server.exited, 0);
  t.ok(Date.now() - started < 3000, 'bounded by the grace period');
});

t.test('an invalid setting stops start-up with a message naming it', async (t) => {
  const server = startServer({ ISORUN_QUEUE_MAX_WAIT_MS: '0' });
  await t.rejects(
    server.listening,
    /Invalid setting queueMaxWaitMs \(environment ISORUN_QUEUE_MAX_WAIT_MS\): 0 is not an integer from 1 to 600000/,
  );
  t.equal(await server.exited, 2);
});
