// Each global of the guest runtime, as a function sees it.
import t from 'tap';
import { run, startApp } from './helpers';

t.test('guest runtime globals', async (t) => {
  const isorun = await startApp(t, { logMaxEntries: 5, logMaxBytes: 200 });
  const result = async (code: string, args: unknown[] = []) => {
    const response = await run(isorun, { code, args });
    t.equal(
      response.status,
      200,
      `${code.replace(/\s+/g, ' ').slice(0, 60)} → ${response.status === 200 ? 'ok' : JSON.stringify(response.body)}`,
    );
    return response.body;
  };

  t.test('console.* is captured by level, objects formatted readably', async (t) => {
    const body = await result(`() => {
      console.log('plain', 1, true, null, undefined);
      console.info({ a: 1, nested: { list: [1, 2, 3] } });
      console.warn('%s is %d years', 'Ada', 36.5);
      console.error(new Map([['k', 1]]), new Set([1]));
      console.debug([1, 'two', { three: 3 }]);
    }`);
    t.same(body.logs, [
      { level: 'log', message: 'plain 1 true null undefined' },
      { level: 'info', message: '{ a: 1, nested: { list: [ 1, 2, 3 ] } }' },
      { level: 'warn', message: 'Ada is 36.5 years' },
      { level: 'error', message: "Map (1) {'k' => 1} Set (1) {1}" },
      { level: 'debug', message: "[ 1, 'two', { three: 3 } ]" },
    ]);
    t.notOk('result' in body, 'undefined result is absent');
    t.notOk('logsTruncated' in body);
  });

  t.test("console prints an Error's stack and a Date's ISO form, as Node does", async (t) => {
    const body = await result(`() => {
      console.log(new Error('E1'));
      console.error('failed:', Object.assign(new TypeError('T'), { code: 'X' }));
      console.log(new Date(0), { at: new Date(0) }, new Date(NaN));
    }`);
    const [plain, withCode, dates] = body.logs.map((entry: { message: string }) => entry.message.split('\n'));
    t.equal(plain[0], 'Error: E1');
    t.match(plain[1], /^ {4}at function\.js:\d+:\d+$/);
    t.equal(plain.length, 2, "the runtime's own frames are left out");
    t.equal(withCode[0], 'failed: TypeError: T');
    t.match(withCode[1], /^ {4}at function\.js:\d+:\d+ \{ code: 'X' \}$/);
    t.same(dates, ['1970-01-01T00:00:00.000Z { at: 1970-01-01T00:00:00.000Z } Invalid Date']);

    const stackless = await result(`() => {
      const e = new RangeError('R');
      Object.defineProperty(e, 'stack', { value: undefined });
      console.log(e);
    }`);
    t.same(stackless.logs, [{ level: 'log', message: 'RangeError: R' }], 'no stack: name and message');
  });

  t.test('logs are bounded by count and bytes', async (t) => {
    const many = await result('() => { for (let i = 0; i < 20; i++) console.log(i) }');
    t.equal(many.logs.length, 5);
    t.equal(many.logsTruncated, true);
    const big = await result('() => { console.log("a".repeat(150)); console.log("b".repeat(150)) }');
    t.equal(big.logs.map((entry: { message: string }) => entry.message).join('').length, 200);
    t.equal(big.logsTruncated, true);
  });

  t.test('setTimeout/clearTimeout fire in order within the deadline', async (t) => {
    const body = await result(`async () => {
      const order = [];
      const cancelled = setTimeout(() => order.push('cancelled'), 5);
      setTimeout((x) => order.push(x), 20, 'second');
      setTimeout(() => order.push('first'), 10);
      clearTimeout(cancelled);
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      return { order, waited: Date.now() - started >= 29, id: typeof setTimeout(() => {}, 1) };
    }`);
    t.same(body.result, { order: ['first', 'second'], waited: true, id: 'number' });
  });

  t.test('a timer past the deadline never fires: the invocation times out', async (t) => {
    const response = await run(isorun, { code: '() => new Promise((r) => setTimeout(r, 5000))', timeoutMs: 100 });
    t.equal(response.body.code, 'TIMEOUT');
    t.ok(response.body.stats.wallMs < 1000);
  });

  t.test('queueMicrotask', async (t) => {
    const body = await result(`async () => {
      const order = [];
      queueMicrotask(() => order.push('micro'));
      order.push('sync');
      await null;
      return order;
    }`);
    t.same(body.result, ['sync', 'micro']);
  });

  t.test('structuredClone', async (t) => {
    const body = await result(`() => {
      const source = { date: new Date(0), map: new Map([[1, { deep: true }]]), set: new Set([1, 2]) };
      source.self = source;
      const copy = structuredClone(source);
      let error;
      try { structuredClone(() => 1) } catch (e) { error = e.name }
      return [copy !== source, copy.self === copy, copy.date instanceof Date, copy.map.get(1).deep, copy.set.size, error];
    }`);
    t.same(body.result, [true, true, true, true, 2, 'DataCloneError']);
  });

  t.test('TextEncoder/TextDecoder', async (t) => {
    const body = await result(`() => {
      const bytes = new TextEncoder().encode('héllo €');
      let fatal;
      try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])) } catch (e) { fatal = e.name }
      return [Array.from(bytes), new TextDecoder().decode(bytes), new TextDecoder().decode(new Uint8Array([0xff])), fatal];
    }`);
    t.same(body.result, [[104, 195, 169, 108, 108, 111, 32, 226, 130, 172], 'héllo €', '\uFFFD', 'TypeError']);
  });

  t.test('TextDecoder: an unsupported encoding is a RangeError naming it, legacy multi-byte ones too', async (t) => {
    const body = await result(`() => {
      const refused = (label) => {
        try { new TextDecoder(label) } catch (e) { return [e instanceof RangeError, e.message] }
        return 'constructed';
      };
      return [['nope', 'replacement', 'Shift_JIS', 'big5', 'euc-kr', 'euc-jp', 'iso-2022-jp', 'gbk', 'gb18030'].map(refused),
        new TextDecoder('windows-1251').decode(new Uint8Array([0xcf])), new TextDecoder('latin1').encoding];
    }`);
    t.same(body.result, [
      ['nope', 'replacement', 'Shift_JIS', 'big5', 'euc-kr', 'euc-jp', 'iso-2022-jp', 'gbk', 'gb18030'].map((label) => [
        true,
        `The encoding '${label}' is not supported`,
      ]),
      'П',
      'windows-1252',
    ]);
  });

  t.test('atob/btoa', async (t) => {
    const body = await result(`() => {
      const errors = [];
      try { btoa('€') } catch (e) { errors.push(e.name) }
      try { atob('abc*') } catch (e) { errors.push(e.name) }
      return [btoa('hello'), btoa(''), btoa('ab'), atob('aGVsbG8='), atob(' aG Vs\\nbG8 '), atob('YWI'), errors];
    }`);
    t.same(body.result, [
      'aGVsbG8=',
      '',
      'YWI=',
      'hello',
      'hello',
      'ab',
      ['InvalidCharacterError', 'InvalidCharacterError'],
    ]);
  });

  t.test('URL/URLSearchParams', async (t) => {
    const body = await result(`() => {
      const url = new URL('/path/../x?a=1&b=two#frag', 'https://user@EXAMPLE.com:443');
      url.searchParams.append('c', 'd e');
      const params = new URLSearchParams({ q: 'a&b', n: '1' });
      let invalid;
      try { new URL('not a url') } catch (e) { invalid = e.name }
      return [url.href, url.hostname, url.searchParams.get('b'), params.toString(), invalid, new URL('https://xn--bcher-kva.example/').hostname, new URL('https://bücher.example/').host,
        new URL('http://-a-.b--c.com./').host, new URL('http://0x7f.1/').host];
    }`);
    t.same(body.result, [
      'https://user@example.com/x?a=1&b=two&c=d+e#frag',
      'example.com',
      'two',
      'q=a%26b&n=1',
      'TypeError',
      'xn--bcher-kva.example',
      'xn--bcher-kva.example',
      // Plain hosts skip tr46 (see build-guest.mjs); these match Node's URL.
      '-a-.b--c.com.',
      '127.0.0.1',
    ]);
  });

  t.test('crypto.getRandomValues/randomUUID', async (t) => {
    const code = `() => {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const words = crypto.getRandomValues(new Uint32Array(4));
      const errors = [];
      try { crypto.getRandomValues(new Float64Array(2)) } catch (e) { errors.push(e.name) }
      try { crypto.getRandomValues(new Uint8Array(65537)) } catch (e) { errors.push(e.name) }
      return { bytes: Array.from(bytes), words: Array.from(words), uuid: crypto.randomUUID(), uuid2: crypto.randomUUID(), errors };
    }`;
    const first = (await result(code)).result;
    const second = (await result(code)).result;
    t.match(first.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    t.not(first.uuid, first.uuid2);
    t.notSame(first.bytes, second.bytes, 'each context draws fresh host entropy');
    t.notSame(first.uuid, second.uuid);
    t.ok(new Set(first.bytes).size > 16, 'bytes look random');
    t.same(first.errors, ['TypeMismatchError', 'QuotaExceededError']);
    // Statements run their top level before the call: the context's entropy and log limits are set first.
    const statements = await result(`const id = crypto.randomUUID();\nconsole.log('made', id);\nid`);
    t.match(statements.result, /^[0-9a-f]{8}-[0-9a-f]{4}-4/, 'crypto works at the top level of statements');
    t.same(statements.logs, [{ level: 'log', message: `made ${statements.result}` }]);
  });

  t.test('globals are defined as on the web: operations enumerable, interfaces and namespaces not', async (t) => {
    const body = await result(`() => {
      const describe = (name) => {
        const d = Object.getOwnPropertyDescriptor(globalThis, name);
        return [name, typeof globalThis[name], d.enumerable, d.configurable, globalThis[name].name ?? null];
      };
      return ['setTimeout', 'clearTimeout', 'queueMicrotask', 'structuredClone', 'atob', 'btoa',
        'console', 'crypto', 'DOMException', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams'].map(describe);
    }`);
    t.same(body.result, [
      ['setTimeout', 'function', true, true, 'setTimeout'],
      ['clearTimeout', 'function', true, true, 'clearTimeout'],
      ['queueMicrotask', 'function', true, true, 'queueMicrotask'],
      ['structuredClone', 'function', true, true, 'structuredClone'],
      ['atob', 'function', true, true, 'atob'],
      ['btoa', 'function', true, true, 'btoa'],
      ['console', 'object', false, true, null],
      ['crypto', 'object', false, true, null],
      ['DOMException', 'function', false, true, 'DOMException'],
      ['TextEncoder', 'function', false, true, 'TextEncoder'],
      ['TextDecoder', 'function', false, true, 'TextDecoder'],
      ['URL', 'function', false, true, 'URL'],
      ['URLSearchParams', 'function', false, true, 'URLSearchParams'],
    ]);
    const replaced = await result(
      '() => { setTimeout = 1; delete globalThis.atob; return [setTimeout, typeof atob, typeof structuredClone] }',
    );
    t.same(replaced.result, [1, 'undefined', 'function'], 'operations can be replaced and deleted');
  });

  t.test('no host objects: require, process, fetch, WebAssembly are absent', async (t) => {
    const body = await result(
      '() => [typeof require, typeof process, typeof fetch, typeof WebAssembly, typeof Buffer, typeof globalThis.global, typeof module]',
    );
    t.same(body.result, ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });
});
