// The server's own V8 flags: new contexts no longer build WebAssembly or resizable buffers, guests still
// see no trace of WebAssembly, and asm.js code still runs (as plain JavaScript) with the same results.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import vm from 'node:vm';
import { SERVER_V8_FLAGS, applyServerV8Flags } from '../../server/v8-flags';
import { run, startApp } from './helpers';

const ASM_MODULE = `(function () {
  function Module(stdlib) {
    'use asm';
    var imul = stdlib.Math.imul;
    function f(x) { x = x | 0; return imul(x, 3) | 0; }
    return { f: f };
  }
  return Module(globalThis).f(14);
})()`;

t.test('the flags take effect for contexts made afterwards', async (t) => {
  t.same(SERVER_V8_FLAGS, ['--no-expose-wasm', '--no-validate-asm', '--no-harmony-rab-gsab']);
  // This process loaded the test helpers, which apply the flags: a fresh Node process shows the change.
  const probe = `const vm = require('node:vm');
    const read = () => [vm.runInNewContext('typeof WebAssembly'), vm.runInNewContext('typeof ArrayBuffer.prototype.resize')];
    const before = read();
    for (const flag of ${JSON.stringify(SERVER_V8_FLAGS)}) require('node:v8').setFlagsFromString(flag);
    console.log(JSON.stringify({ before, after: read(), asm: vm.runInNewContext(${JSON.stringify(ASM_MODULE)}) }));`;
  const child = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  t.same(JSON.parse(child.stdout), { before: ['object', 'function'], after: ['undefined', 'undefined'], asm: 42 });
  applyServerV8Flags();
  t.equal(vm.runInNewContext('typeof WebAssembly'), 'undefined', 'here: a new context has none');
  t.equal(vm.runInNewContext('typeof ArrayBuffer.prototype.resize'), 'undefined', 'nor resizable buffers');
  t.equal(vm.runInNewContext(ASM_MODULE), 42, 'asm.js still runs');
});

t.test('guests under the flags: no WebAssembly anywhere, asm.js runs', async (t) => {
  applyServerV8Flags();
  const isorun = await startApp(t);
  const probe = await run(isorun, {
    code: `() => [typeof WebAssembly, Object.getOwnPropertyNames(globalThis).includes('WebAssembly'), ${ASM_MODULE}]`,
  });
  t.equal(probe.status, 200);
  t.same(probe.body.result, ['undefined', false, 42]);
  const buffers = await run(isorun, {
    code: `() => { const ab = new ArrayBuffer(2 ** 29, { maxByteLength: 2 ** 30 }); return [typeof ab.resize, ab.byteLength] }`,
    memoryMb: 64,
  });
  t.equal(buffers.body.code, 'MEMORY_LIMIT', 'a buffer past the cap is refused, resizable or not');
});
