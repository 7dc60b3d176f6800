// Pins: `new ExternalCopy(view, { transfer: true })` moves memory only when the view covers its
// whole ArrayBuffer. A view over part of a buffer (a subarray, a DataView window, a small Node
// Buffer cut from Node's shared 8 KB pool) throws a TypeError naming the option and detaches
// nothing, so the rest of the buffer (for a pooled Buffer: every later Buffer.from) keeps working.
// A buffer V8 will not detach (a WebAssembly.Memory's) throws a TypeError too, and the memory
// stays usable. Whole buffers and whole views still transfer.
import t from 'tap';
import { ExternalCopy } from './engine';

const partial = /^ExternalCopy: 'transfer' needs a view over its whole ArrayBuffer; this one covers part of it/;
const undetachable = /^ExternalCopy: 'transfer' needs an ArrayBuffer that can be detached/;
// The ES lib this project compiles against has no WebAssembly types.
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } };
};

t.test('a typed array over part of its buffer', async (t) => {
  const buffer = new ArrayBuffer(16);
  const view = new Uint8Array(buffer, 4, 8);
  view[0] = 9;
  t.throws(() => new ExternalCopy(view, { transfer: true }), { name: 'TypeError', message: partial });
  t.equal(buffer.byteLength, 16, 'buffer not detached');
  t.equal(view.length, 8);
  t.equal(view[0], 9);
});

t.test('a view from offset 0 that stops short of the end', async (t) => {
  const buffer = new ArrayBuffer(16);
  const view = new Int32Array(buffer, 0, 2);
  t.throws(() => new ExternalCopy(view, { transfer: true }), { name: 'TypeError', message: partial });
  t.equal(buffer.byteLength, 16, 'buffer not detached');
});

t.test('a DataView window', async (t) => {
  const buffer = new ArrayBuffer(16);
  const view = new DataView(buffer, 8);
  t.throws(() => new ExternalCopy(view, { transfer: true }), { name: 'TypeError', message: partial });
  t.equal(buffer.byteLength, 16, 'buffer not detached');
});

t.test('partial views still copy without transfer', async (t) => {
  const view = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
  t.same([...(new ExternalCopy(view).copy() as Uint8Array)], [2, 3]);
});

t.test('a view over its whole buffer still transfers', async (t) => {
  const buffer = new ArrayBuffer(8);
  const view = new Uint16Array(buffer);
  view[3] = 7;
  const external = new ExternalCopy(view, { transfer: true });
  t.equal(buffer.byteLength, 0, 'detached');
  t.same([...(external.copy() as Uint16Array)], [0, 0, 0, 7]);
});

t.test('a WebAssembly.Memory buffer cannot be transferred', async (t) => {
  const memory = new wasm.Memory({ initial: 1 });
  for (const value of [memory.buffer, new Uint8Array(memory.buffer)]) {
    t.throws(() => new ExternalCopy(value, { transfer: true }), { name: 'TypeError', message: undetachable });
  }
  t.equal(memory.buffer.byteLength, 65536, 'memory intact');
  new Uint8Array(memory.buffer)[0] = 1;
  t.equal(new Uint8Array(memory.buffer)[0], 1);
});

// Last: before the fix this detaches Node's Buffer pool and breaks the rest of this process.
t.test("a small Node Buffer (a window on Node's shared pool)", async (t) => {
  const small = Buffer.from('hi');
  t.ok(small.byteLength < small.buffer.byteLength, 'Buffer.from made a pooled Buffer');
  t.throws(() => new ExternalCopy(small, { transfer: true }), { name: 'TypeError', message: partial });
  t.equal(small.toString(), 'hi', 'the Buffer still reads');
  t.equal(Buffer.from('x').toString(), 'x', 'Buffer.from still works');
});
