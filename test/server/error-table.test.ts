// Every row of the error table, produced through the HTTP API.
import t, { type Test } from 'tap';
import Fastify from 'fastify';
import net from 'node:net';
import { createErrorHandler, ERRORS, problemType, type ErrorCode } from '../../server/errors';
import { run, startApp } from './helpers';

const seen = new Set<ErrorCode>();

function checkProblem(
  t: Test,
  response: { status: number; body: any; headers: Record<string, unknown> },
  code: ErrorCode,
) {
  seen.add(code);
  t.equal(response.status, ERRORS[code].status, `${code} status`);
  t.match(String(response.headers['content-type']), /^application\/problem\+json/);
  t.match(response.body, { type: problemType(code), title: ERRORS[code].title, status: ERRORS[code].status, code });
  t.type(response.body.detail, 'string');
}

t.test('every error code, as the API returns it', async (t) => {
  const isorun = await startApp(t, {
    bodyLimitBytes: 4096,
    resultMaxBytes: 1000,
    maxTimeoutMs: 5000,
    poolMaxIsolates: 1,
    queueMaxLength: 0,
  });
  const { app } = isorun;

  const invalid = await run(isorun, { code: '1', timeoutMs: 999999 });
  checkProblem(t, invalid, 'INVALID_REQUEST');
  t.equal(invalid.body.field, '/timeoutMs');
  t.match(invalid.body.detail, /5000/, 'names the configured maximum');

  const compile = await run(isorun, { code: '(a, b) =>\n  a +' });
  checkProblem(t, compile, 'COMPILE_ERROR');
  t.match(compile.body, { line: 2, column: 6 });

  const notFound = await app.inject({ method: 'GET', url: '/nope' });
  checkProblem(t, { status: notFound.statusCode, body: notFound.json(), headers: notFound.headers }, 'NOT_FOUND');

  const large = await app.inject({
    method: 'POST',
    url: '/run',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ code: 'x'.repeat(5000) }),
  });
  checkProblem(t, { status: large.statusCode, body: large.json(), headers: large.headers }, 'PAYLOAD_TOO_LARGE');
  t.equal(large.json().limitBytes, 4096);

  const media = await app.inject({
    method: 'POST',
    url: '/run',
    headers: { 'content-type': 'text/plain' },
    payload: '1',
  });
  checkProblem(t, { status: media.statusCode, body: media.json(), headers: media.headers }, 'UNSUPPORTED_MEDIA_TYPE');

  const threw = await run(isorun, { code: '() => { throw new RangeError("nope") }' });
  checkProblem(t, threw, 'FUNCTION_ERROR');
  t.match(threw.body, { name: 'RangeError', message: 'nope', stack: /RangeError: nope\n\s+at function\.js:1:/ });
  // A built-in the engine guards (here Array.prototype.map and Function.prototype.apply) adds no frame of its own.
  const throughGuards = await run(isorun, {
    code: '() => [1].map(function () { return (() => { throw new Error("deep") }).apply(null, []) })',
  });
  checkProblem(t, throughGuards, 'FUNCTION_ERROR');
  t.notMatch(String((throughGuards.body as { stack?: string }).stack), /isorun:/);
  t.match(String((throughGuards.body as { stack?: string }).stack), /Error: deep\n\s+at function\.js:1:/);

  for (const [code, shown] of <Array<[string, string]>>[
    ['() => { throw 1 }', '1'],
    ['() => { throw null }', 'null'],
    ['() => { throw "text" }', 'text'],
    ['throw undefined', 'undefined'],
  ]) {
    const primitive = await run(isorun, { code });
    checkProblem(t, primitive, 'FUNCTION_ERROR');
    t.match(primitive.body, { name: 'Error', message: shown }, code);
  }

  const timeout = await run(isorun, { code: '() => { for (;;) {} }', timeoutMs: 50 });
  checkProblem(t, timeout, 'TIMEOUT');
  t.equal(timeout.body.timeoutMs, 50);

  const memory = await run(isorun, {
    code: '() => { const keep = []; for (;;) keep.push(new Array(100000).fill(7)) }',
    memoryMb: 16,
  });
  checkProblem(t, memory, 'MEMORY_LIMIT');
  t.equal(memory.body.memoryMb, 16);

  const cycle = await run(isorun, { code: '() => { const o = {}; o.self = o; return o }' });
  checkProblem(t, cycle, 'RESULT_INVALID');
  t.match(cycle.body.detail, /circular/);

  const tooLarge = await run(isorun, { code: '() => "x".repeat(2000)' });
  checkProblem(t, tooLarge, 'RESULT_TOO_LARGE');
  t.equal(tooLarge.body.limitBytes, 1000);

  // One isolate, no queue: a second invocation while the first runs is turned away.
  const slow = run(isorun, { code: 'async () => { await new Promise((r) => setTimeout(r, 300)); return 1 }' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const overloaded = await run(isorun, { code: '1' });
  checkProblem(t, overloaded, 'OVERLOADED');
  t.ok(Number(overloaded.headers['retry-after']) >= 1, 'Retry-After is set');
  t.equal((await slow).status, 200);

  const closing = app.close();
  const late = await app.inject({ method: 'POST', url: '/run', payload: { code: '1' } });
  await closing;
  checkProblem(t, { status: late.statusCode, body: late.json(), headers: late.headers }, 'SHUTTING_DOWN');
});

t.test('INTERNAL_ERROR is what an unexpected host error becomes', async (t) => {
  const app = Fastify({ logger: false });
  app.setErrorHandler(createErrorHandler(1024));
  app.get('/boom', async () => {
    throw new Error('a bug in isorun');
  });
  const response = await app.inject({ method: 'GET', url: '/boom' });
  checkProblem(t, { status: response.statusCode, body: response.json(), headers: response.headers }, 'INTERNAL_ERROR');
  t.notMatch(response.body, 'a bug in isorun', 'the host error is logged, not sent');
});

/** Sends raw bytes on a fresh connection (and nothing more); resolves with the answer once the server closes it. */
function rawRequest(
  port: number,
  bytes: string,
): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const headers = Object.fromEntries(
        head
          .split('\r\n')
          .slice(1)
          .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body), headers });
    });
  });
}

t.test("requests Node's HTTP parser refuses are problem+json too", async (t) => {
  const isorun = await startApp(t);
  await isorun.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = isorun.app.server.address() as net.AddressInfo;
  checkProblem(t, await rawRequest(port, 'GARBAGE\r\n\r\n'), 'INVALID_REQUEST');
  const big = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  checkProblem(t, big, 'HEADERS_TOO_LARGE');
  isorun.app.server.headersTimeout = 500;
  checkProblem(t, await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n'), 'REQUEST_TIMEOUT');
  // A body that stops halfway held its connection for good (Fastify turns Node's request timeout off).
  const slowBody = await startApp(t, { requestTimeoutMs: 1000 });
  await slowBody.app.listen({ host: '127.0.0.1', port: 0 });
  const started = Date.now();
  const halfway = await rawRequest(
    (slowBody.app.server.address() as net.AddressInfo).port,
    'POST /run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"code"',
  );
  checkProblem(t, halfway, 'REQUEST_TIMEOUT');
  t.ok(Date.now() - started < 10_000, `the connection closed after ${Date.now() - started} ms`);
  const badUrl = await isorun.app.inject({ method: 'GET', url: '/%' });
  checkProblem(t, { status: badUrl.statusCode, body: badUrl.json(), headers: badUrl.headers }, 'INVALID_REQUEST');
});

t.test('all codes were exercised', async (t) => {
  t.same([...seen].sort(), Object.keys(ERRORS).sort());
});
