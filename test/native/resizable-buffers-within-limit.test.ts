// Pins: guests get no resizable or growable buffers. V8 takes their memory from its page allocator,
// around the ArrayBuffer allocator that enforces the memory cap: `new ArrayBuffer(0, { maxByteLength:
// 2 ** 29 }).resize(2 ** 29)` gave a 64 MB isolate 512 MB. The constructors ignore `maxByteLength`, as
// engines before ES2024 do; everything else about ArrayBuffer and SharedArrayBuffer is unchanged.
// On isolated-vm 5.0.4 the resize succeeds (the cap is bypassed), so this fails there.
import t from 'tap';
import { evalSync, sandbox } from './helpers';

t.test('resizing past the cap is impossible', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 64 });
  const attempts = {
    resize: 'const ab = new ArrayBuffer(0, { maxByteLength: 2 ** 29 }); ab.resize(2 ** 29); ab.byteLength',
    grow: 'const sab = new SharedArrayBuffer(0, { maxByteLength: 2 ** 29 }); sab.grow(2 ** 29); sab.byteLength',
    'large initial length': 'new ArrayBuffer(2 ** 29, { maxByteLength: 2 ** 29 }).byteLength',
    'through a typed array':
      'new (new Uint8Array(1).buffer.constructor)(0, { maxByteLength: 2 ** 29 }).resize(2 ** 29)',
  };
  for (const [name, code] of Object.entries(attempts)) {
    t.throws(() => evalSync(isolate, context, code), /not a function|allocation failed|incompatible receiver/, name);
  }
  t.ok(isolate.getHeapStatisticsSync().externally_allocated_size < 64 * 1024 * 1024, 'nothing allocated');
});

t.test('ArrayBuffer and SharedArrayBuffer are otherwise the same', async (t) => {
  const { isolate, context } = sandbox(t);
  const facts = evalSync(
    isolate,
    context,
    `JSON.stringify({
      name: ArrayBuffer.name,
      length: ArrayBuffer.length,
      fixed: new ArrayBuffer(8, { maxByteLength: 64 }).resizable === false && new ArrayBuffer(8).byteLength === 8,
      typedArrayBuffer: new Uint8Array(4).buffer instanceof ArrayBuffer && new Uint8Array(4).buffer.constructor === ArrayBuffer,
      species: ArrayBuffer[Symbol.species] === ArrayBuffer,
      isView: ArrayBuffer.isView(new DataView(new ArrayBuffer(1))),
      prototype: ArrayBuffer.prototype.constructor === ArrayBuffer && Object.getPrototypeOf(new ArrayBuffer(1)) === ArrayBuffer.prototype,
      subclass: (() => { class Sub extends ArrayBuffer {} const sub = new Sub(4); return sub instanceof Sub && sub.byteLength === 4; })(),
      slice: new ArrayBuffer(16).slice(4).byteLength,
      shared: new SharedArrayBuffer(4, { maxByteLength: 64 }).growable === false && SharedArrayBuffer.name,
      global: Object.getOwnPropertyDescriptor(globalThis, 'ArrayBuffer').enumerable,
      statics: Object.getPrototypeOf(ArrayBuffer) === Function.prototype && Object.getPrototypeOf(SharedArrayBuffer) === Function.prototype && SharedArrayBuffer[Symbol.species] === SharedArrayBuffer,
      atomics: Atomics.add(new Int32Array(new SharedArrayBuffer(4)), 0, 1),
    })`,
  );
  t.same(JSON.parse(facts as string), {
    name: 'ArrayBuffer',
    length: 1,
    fixed: true,
    typedArrayBuffer: true,
    species: true,
    isView: true,
    prototype: true,
    subclass: true,
    slice: 12,
    shared: 'SharedArrayBuffer',
    global: false,
    statics: true,
    atomics: 0,
  });
  t.throws(() => evalSync(isolate, context, 'ArrayBuffer(4)'), /requires 'new'/, 'still a constructor only');
});
