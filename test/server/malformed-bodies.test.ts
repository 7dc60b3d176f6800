// Malformed request bodies get a precise 4xx problem with a stable code, never a 5xx.
import t from 'tap';
import zlib from 'node:zlib';
import { startApp } from './helpers';

t.test('malformed bodies', async (t) => {
  const { app } = await startApp(t, { bodyLimitBytes: 64 * 1024, argsMaxDepth: 10, maxMemoryMb: 128 });
  const post = async (payload: string, contentType = 'application/json') => {
    const response = await app.inject({
      method: 'POST',
      url: '/run',
      headers: { 'content-type': contentType },
      payload,
    });
    return { status: response.statusCode, body: response.json() };
  };
  const cases: Array<[string, string, number, string, string?]> = [
    ['not JSON', '{"code": ', 400, 'INVALID_REQUEST'],
    ['empty body', '', 400, 'INVALID_REQUEST'],
    ['JSON array', '[1, 2]', 400, 'INVALID_REQUEST', ''],
    ['JSON string', '"code"', 400, 'INVALID_REQUEST', ''],
    ['missing code', '{"args": []}', 400, 'INVALID_REQUEST', '/code'],
    ['code not a string', '{"code": 42}', 400, 'INVALID_REQUEST', '/code'],
    ['empty code', '{"code": ""}', 400, 'INVALID_REQUEST', '/code'],
    ['args not an array', '{"code": "1", "args": {"a": 1}}', 400, 'INVALID_REQUEST', '/args'],
    ['timeoutMs as a string', '{"code": "1", "timeoutMs": "100"}', 400, 'INVALID_REQUEST', '/timeoutMs'],
    ['timeoutMs fractional', '{"code": "1", "timeoutMs": 1.5}', 400, 'INVALID_REQUEST', '/timeoutMs'],
    ['timeoutMs zero', '{"code": "1", "timeoutMs": 0}', 400, 'INVALID_REQUEST', '/timeoutMs'],
    ['memoryMb above the maximum', '{"code": "1", "memoryMb": 129}', 400, 'INVALID_REQUEST', '/memoryMb'],
    ['memoryMb below the engine minimum', '{"code": "1", "memoryMb": 4}', 400, 'INVALID_REQUEST', '/memoryMb'],
    ['unknown field', '{"code": "1", "timeout": 5}', 400, 'INVALID_REQUEST'],
    ['__proto__ key', '{"code": "1", "__proto__": {"x": 1}}', 400, 'INVALID_REQUEST'],
    [
      'deeply nested args',
      `{"code": "(a) => 1", "args": [${'['.repeat(50)}${']'.repeat(50)}]}`,
      400,
      'INVALID_REQUEST',
      '/args',
    ],
    [
      'very deeply nested args',
      `{"code": "(a) => 1", "args": [${'['.repeat(20000)}${']'.repeat(20000)}]}`,
      400,
      'INVALID_REQUEST',
      '/args',
    ],
    ['huge args', JSON.stringify({ code: '(a) => a.length', args: ['x'.repeat(70 * 1024)] }), 413, 'PAYLOAD_TOO_LARGE'],
    ['form encoded', 'code=1', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ];
  for (const [name, payload, status, code, field] of cases) {
    const type = name === 'form encoded' ? 'application/x-www-form-urlencoded' : 'application/json';
    const response = await post(payload, type);
    t.equal(response.status, status, `${name}: ${response.body.detail}`);
    t.equal(response.body.code, code, name);
    if (field !== undefined) t.equal(response.body.field, field, `${name} names the field`);
  }
  const maximum = await post('{"code": "1", "memoryMb": 129}');
  t.match(maximum.body.detail, /128/, 'names the maximum');
  const unknown = await post('{"code": "1", "timeout": 5}');
  t.match(unknown.body.detail, /timeout/, 'names the unknown field');
  t.equal(unknown.body.field, '/timeout', 'and points at it');
  const missing = await post('{"args": []}');
  t.same([missing.body.field, missing.body.detail], ['/code', 'The body must have property code']);
  const odd = await post('{"code": "1", "a/b~c": 1}');
  t.equal(odd.body.field, '/a~1b~0c', 'an unknown name is escaped as a JSON pointer');
  const proto = await post('{"code": "1", "__proto__": {"x": 1}}');
  t.match(proto.body.detail, /__proto__/, 'a top-level __proto__ key is an unknown field, named');
  // Valid JSON with keys that Fastify treats as prototype poisoning reaches the guest as plain data.
  const data = await post(
    '{"code": "(a) => [Object.keys(a), a.__proto__.x, Object.getPrototypeOf(a) === Object.prototype, a.constructor.prototype.y]", "args": [{"__proto__": {"x": 1}, "constructor": {"prototype": {"y": 2}}}]}',
  );
  t.same(
    data.body.result,
    [['__proto__', 'constructor'], 1, true, 2],
    '__proto__ and constructor keys in args arrive as own data',
  );
  t.equal(({} as Record<string, unknown>).x, undefined, 'nothing leaked into the host');
  const allowedDepth = await post(`{"code": "(a) => JSON.stringify(a)", "args": [${'['.repeat(9)}${']'.repeat(9)}]}`);
  t.equal(allowedDepth.status, 200, 'args nested up to the limit pass');
  // A gzip body read as malformed JSON (400 INVALID_REQUEST); compression is not supported, say so.
  const gzipped = await app.inject({
    method: 'POST',
    url: '/run',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    payload: zlib.gzipSync('{"code": "1"}'),
  });
  t.equal(gzipped.statusCode, 415);
  t.equal(gzipped.json().code, 'UNSUPPORTED_MEDIA_TYPE');
  t.match(gzipped.json().detail, /Content-Encoding "gzip" is not supported/);
  const identity = await app.inject({
    method: 'POST',
    url: '/run',
    headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
    payload: '{"code": "1"}',
  });
  t.equal(identity.json().result, 1, 'identity encoding accepted');
  const charset = await post('{"code": "1"}', 'application/json; charset=utf-8');
  t.equal(charset.body.result, 1, 'charset parameter accepted');
  const missingType = await app.inject({ method: 'POST', url: '/run', payload: Buffer.from('{"code":"1"}') });
  t.ok(missingType.statusCode === 415 || missingType.statusCode === 400, `no content type → ${missingType.statusCode}`);
});
