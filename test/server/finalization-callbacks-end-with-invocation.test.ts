// A FinalizationRegistry callback runs only while its own invocation does. V8 runs these callbacks
// between engine calls, whenever a collection has found their objects dead: one that a request armed
// ran in later, unrelated requests on the same isolate, and one that spun failed them (500
// INTERNAL_ERROR, or TIMEOUT) when the engine disposed the isolate after 200 ms.
// Guests can call `gc()` here: the tests run with --expose-gc (.taprc), which V8 gives every context.
import t from 'tap';
import { run, startApp } from './helpers';

const metric = async (isorun: Awaited<ReturnType<typeof startApp>>, name: string): Promise<number> => {
  const text = (await isorun.app.inject({ method: 'GET', url: '/metrics' })).body;
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
};

t.test('a callback armed by one request never runs in a later one', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1 });
  t.equal((await run(isorun, { code: 'typeof gc' })).body.result, 'function', 'guests can collect');
  const armed = `() => {
    const registry = new FinalizationRegistry(() => { const end = Date.now() + 5000; while (Date.now() < end); });
    (() => { for (let i = 0; i < 200; i++) registry.register({}, i) })();
    globalThis.registry = registry;
    gc(); // the objects are dead: V8 runs their callbacks after this call, before whatever comes next
    return 'armed';
  }`;
  for (let round = 0; round < 3; round++) {
    const arming = await run(isorun, { code: armed });
    t.equal(arming.status, 200, `round ${round}: armed`);
    const later = await run(isorun, { code: '(n) => n', args: [round] });
    t.equal(later.status, 200, `round ${round}: the next request → ${later.body.code ?? 'ok'}`);
    t.equal(later.body.stats?.isolate, 'warm', `round ${round}: on the same, warm isolate`);
  }
  t.equal(await metric(isorun, 'isorun_isolates_disposed_total'), 0, 'no isolate was disposed');
  t.equal(await metric(isorun, 'isorun_isolates_created_total'), 1, 'nor created');
});

t.test('callbacks still run during their own invocation', async (t) => {
  const isorun = await startApp(t);
  const response = await run(isorun, {
    code: `async () => {
      let cleaned = 0;
      const registry = new FinalizationRegistry((held) => { cleaned += held });
      (() => { for (let i = 0; i < 10; i++) registry.register({}, 1) })();
      gc();
      for (let i = 0; i < 100 && cleaned === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      return cleaned;
    }`,
    timeoutMs: 5000,
  });
  t.equal(response.body.result, 10, 'each held value delivered once');
});

t.test('the registry guests see behaves as the built-in', async (t) => {
  const isorun = await startApp(t);
  const response = await run(isorun, {
    code: `() => {
      const FR = FinalizationRegistry;
      const registry = new FR(() => {});
      const token = {};
      class Sub extends FR {}
      const sub = new Sub(() => {});
      const threw = (f) => { try { f(); return 'no' } catch (e) { return e.constructor.name + ': ' + e.message } };
      const descriptor = (o, k) => { const d = Object.getOwnPropertyDescriptor(o, k); return [d.writable, d.enumerable, d.configurable] };
      return {
        name: FR.name,
        length: FR.length,
        instance: registry instanceof FR,
        prototype: Object.getPrototypeOf(registry) === FR.prototype,
        constructor: FR.prototype.constructor === FR && registry.constructor === FR,
        tag: Object.prototype.toString.call(registry),
        register: registry.register({}, 1, token),
        unregister: [registry.unregister(token), registry.unregister(token)],
        sub: sub instanceof Sub && sub instanceof FR && Object.getPrototypeOf(Sub.prototype) === FR.prototype,
        subRegisters: sub.register({}, 1),
        call: threw(() => FR(() => {})),
        notCallable: threw(() => new FR(1)),
        sameTarget: threw(() => registry.register(token, token)),
        global: descriptor(globalThis, 'FinalizationRegistry'),
        prototypeProperty: descriptor(FR, 'prototype'),
        constructorProperty: descriptor(FR.prototype, 'constructor'),
        methods: Object.getOwnPropertyNames(FR.prototype).sort(),
      };
    }`,
  });
  t.same(response.body.result, {
    name: 'FinalizationRegistry',
    length: 1,
    instance: true,
    prototype: true,
    constructor: true,
    tag: '[object FinalizationRegistry]',
    unregister: [true, false],
    sub: true,
    call: "TypeError: Constructor FinalizationRegistry requires 'new'",
    notCallable: 'TypeError: FinalizationRegistry: cleanup must be callable',
    sameTarget: 'TypeError: FinalizationRegistry.prototype.register: target and holdings must not be same',
    global: [true, false, true],
    prototypeProperty: [false, false, false],
    constructorProperty: [true, false, true],
    methods: ['constructor', 'register', 'unregister'],
  });
});

t.test('a callback that overruns during its own invocation fails it with TIMEOUT and its fields', async (t) => {
  // The problem lacked `timeoutMs`, which the error table documents for TIMEOUT.
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1 });
  const response = await run(isorun, {
    code: `async () => {
      const registry = new FinalizationRegistry(() => { while (true) {} });
      (() => { for (let i = 0; i < 200; i++) registry.register({}, i) })();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }`,
    timeoutMs: 5000,
  });
  t.equal(response.status, 422);
  t.match(response.body, { code: 'TIMEOUT', timeoutMs: 5000, logs: [], stats: { isolate: 'warm' } });
  t.match(response.body.detail, /FinalizationRegistry callback ran past 200 ms/);
  t.equal(await metric(isorun, 'isorun_isolates_disposed_total{reason="overrun"}'), 1, 'counted as an overrun');
  const next = await run(isorun, { code: '() => 1' });
  t.equal(next.status, 200, 'the next invocation is served');
});
