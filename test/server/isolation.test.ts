// Fresh context per invocation, and sandbox-escape attempts that must each fail cleanly (4xx, never 5xx).
import t from 'tap';
import { run, startApp } from './helpers';

t.test('nothing one invocation defines or mutates is visible to the next', async (t) => {
  // One isolate: both invocations certainly share it.
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1 });
  const first = await run(isorun, {
    code: `() => {
      globalThis.x = 'leak';
      Array.prototype.evil = () => 'evil';
      Object.prototype.polluted = true;
      JSON.stringify = () => '"hijacked"';
      console.log = () => {};
      Math.random = () => 4;
      return 'set';
    }`,
  });
  t.equal(first.body.result, 'set');
  const second = await run(isorun, {
    code: `() => ({
      x: typeof globalThis.x,
      evil: typeof [].evil,
      polluted: ({}).polluted === undefined,
      json: JSON.stringify({ a: 1 }),
      random: Math.random() !== 4,
    })`,
  });
  t.same(second.body.result, { x: 'undefined', evil: 'undefined', polluted: true, json: '{"a":1}', random: true });
  t.equal(second.body.stats.isolate, 'warm', 'the same, reused isolate');
});

t.test('work an invocation leaves behind never runs in the next one', async (t) => {
  const isorun = await startApp(t, { poolMinIsolates: 1, poolMaxIsolates: 1 });
  // Atomics.waitAsync resolves 50 ms after this invocation has answered; its job would loop forever.
  const first = await run(isorun, {
    code: `() => {
      Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50).value.then(() => { while (true) {} });
      return 'left';
    }`,
  });
  t.equal(first.body.result, 'left');
  await new Promise((resolve) => setTimeout(resolve, 150));
  for (let i = 0; i < 3; i++) {
    const next = await run(isorun, { code: '(a, b) => a + b', args: [1, 2], timeoutMs: 1000 });
    t.equal(next.body.result, 3, 'the next invocation answers');
    t.equal(next.body.stats.isolate, 'warm', 'in the same isolate');
    // Charged the loop, it would show ~1000 ms of CPU.
    t.ok(next.body.stats.cpuMs < 500, `and is not charged for the other's job (${next.body.stats.cpuMs} ms CPU)`);
  }
});

t.test('a function that sabotages its own globals still gets its result and logs out', async (t) => {
  const isorun = await startApp(t);
  const response = await run(isorun, {
    code: `() => {
      console.log('before');
      JSON.stringify = () => { throw new Error('no') };
      JSON.parse = () => { throw new Error('no') };
      Array.prototype.push = () => { throw new Error('no') };
      Promise.prototype.then = () => { throw new Error('no') };
      Function.prototype.call = () => { throw new Error('no') };
      Object.defineProperty = () => { throw new Error('no') };
      return { ok: [1, 2] };
    }`,
  });
  t.equal(response.status, 200);
  t.same(response.body.result, { ok: [1, 2] });
  t.same(response.body.logs, [{ level: 'log', message: 'before' }]);
});

t.test('sandbox-escape attempts fail cleanly', async (t) => {
  const isorun = await startApp(t);
  const attempts: Record<string, string> = {
    'constructor chain to process': `() => this.constructor.constructor('return process')()`,
    'Function constructor to require': `() => Function('return require')()('fs')`,
    'Function constructor to process': `() => (function () {}).constructor('return process.env')()`,
    'dynamic import': `async () => (await import('fs')).readFileSync('/etc/passwd', 'utf8')`,
    'Error.prepareStackTrace reaching host frames': `() => {
      Error.prepareStackTrace = (error, frames) => frames.map((frame) => {
        const self = frame.getThis(); const fn = frame.getFunction();
        return (self && self.process) || (fn && fn.constructor('return process')());
      });
      const stack = new Error().stack;
      return stack.map((found) => typeof found);
    }`,
    'global object prototype chain': `() => { let o = globalThis; const names = []; while (o) { names.push(...Object.getOwnPropertyNames(o)); o = Object.getPrototypeOf(o) } return names.filter((n) => /^(process|require|module|Buffer|global|_ivm|ivm)$/.test(n)) }`,
    'arguments.callee.caller': `function f() { return f.caller && f.caller.constructor('return process')() }`,
  };
  for (const [name, code] of Object.entries(attempts)) {
    const response = await run(isorun, { code });
    t.ok(response.status < 500, `${name}: ${response.status}`);
    const text = JSON.stringify(response.body);
    t.notMatch(text, /"(?:\/bin|root:|PATH)/, `${name}: nothing from the host`);
    if (response.status === 200) {
      t.notMatch(text, /object|function/, `${name}: reached nothing → ${text}`);
    } else {
      t.equal(response.body.code, 'FUNCTION_ERROR', `${name}: ${response.body.detail}`);
      t.notMatch(response.body.stack, /\/work\/|node:internal|node_modules/, `${name}: no host frames in the stack`);
    }
  }
});
