// Pins: a guest cannot grow a host-made resizable ArrayBuffer (or growable SharedArrayBuffer) past its
// memoryLimit. Passed on its own (transferred or copied) it arrives as a fixed-length buffer of its
// current bytes; nested inside another copied value (structured clone, which V8 rebuilds resizable with
// memory from outside the isolate's allocator) it is refused with a TypeError that says so. Before, a
// guest of a 16 MB isolate grew `new ArrayBuffer(8, { maxByteLength: 2 ** 30 })` to 300 MB, uncounted.
import t from 'tap';
import { ExternalCopy } from './engine';
import { evalSync, sandbox } from './helpers';

const MB = 1024 * 1024;
type Growable = ArrayBuffer & { readonly resizable: boolean };
// The ES lib this project compiles against predates resizable buffers.
const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  length: number,
  options: { maxByteLength: number },
) => Growable;
const GrowableSharedArrayBuffer = SharedArrayBuffer as unknown as new (
  length: number,
  options: { maxByteLength: number },
) => SharedArrayBuffer & { readonly growable: boolean };

const grow = `(() => {
  try { value.resize ? value.resize(300 * 2 ** 20) : value.grow(300 * 2 ** 20) } catch (error) { return error.name }
  return 'grew to ' + value.byteLength;
})()`;

t.test('transferred in, a resizable buffer arrives fixed', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  const host = new ResizableArrayBuffer(8, { maxByteLength: 2 ** 30 });
  new Uint8Array(host)[7] = 9;
  context.global.setSync('value', new ExternalCopy(host, { transfer: true }).copyInto({ transfer: true }));
  t.same(
    JSON.parse(
      evalSync(
        isolate,
        context,
        'JSON.stringify([value.resizable, value.byteLength, new Uint8Array(value)[7]])',
      ) as string,
    ),
    [false, 8, 9],
  );
  t.equal(evalSync(isolate, context, grow), 'TypeError');
  t.ok(isolate.getHeapStatisticsSync().externally_allocated_size < 16 * MB);
});

t.test('a view over a whole resizable buffer, transferred in, is over a fixed one', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  const view = new Uint8Array(new ResizableArrayBuffer(8, { maxByteLength: 2 ** 30 }));
  context.global.setSync('view', new ExternalCopy(view, { transfer: true }).copyInto({ transfer: true }));
  evalSync(isolate, context, 'globalThis.value = view.buffer');
  t.equal(evalSync(isolate, context, 'view.length === 8 && value.resizable'), false);
  t.equal(evalSync(isolate, context, grow), 'TypeError');
});

t.test('copied in, a resizable buffer arrives fixed', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  context.global.setSync('value', new ExternalCopy(new ResizableArrayBuffer(8, { maxByteLength: 2 ** 30 })).copyInto());
  t.equal(evalSync(isolate, context, 'value.resizable'), false);
  t.equal(evalSync(isolate, context, grow), 'TypeError');
});

t.test('nested in a copied value, a resizable buffer is refused', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  const nested = [
    { buffer: new ResizableArrayBuffer(8, { maxByteLength: 2 ** 30 }) },
    { deep: [new Map([['k', new Uint8Array(new ResizableArrayBuffer(8, { maxByteLength: 2 ** 30 }))]])] },
  ];
  for (const value of nested) {
    const external = new ExternalCopy(value);
    t.throws(() => context.global.setSync('value', external.copyInto()), {
      name: 'TypeError',
      message: /resizable ArrayBuffer.*memoryLimit/,
    });
    t.ok(external.copy(), 'Node itself still gets the copy');
  }
  t.equal(evalSync(isolate, context, 'typeof value'), 'undefined');
  t.ok(isolate.getHeapStatisticsSync().externally_allocated_size < 16 * MB);
});

t.test('fixed buffers nested in copied values still arrive', async (t) => {
  const { isolate, context } = sandbox(t);
  const value = { tilde: 'a~b', buffer: new Uint8Array([126, 126]).buffer, list: [new Uint16Array([0x7e7e])] };
  context.global.setSync('value', new ExternalCopy(value).copyInto());
  t.equal(
    evalSync(isolate, context, 'value.tilde + new Uint8Array(value.buffer)[1] + value.list[0][0]'),
    'a~b126' + String(0x7e7e),
  );
});

t.test('a growable SharedArrayBuffer arrives fixed, on its own or nested', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  const shared = new GrowableSharedArrayBuffer(8, { maxByteLength: 2 ** 30 });
  context.global.setSync('value', new ExternalCopy(shared).copyInto());
  t.equal(evalSync(isolate, context, 'value.growable'), false);
  t.equal(evalSync(isolate, context, grow), 'TypeError');
  context.global.setSync('holder', new ExternalCopy({ shared }).copyInto());
  evalSync(isolate, context, 'value = holder.shared');
  t.equal(evalSync(isolate, context, 'value.growable'), false);
  t.equal(evalSync(isolate, context, grow), 'TypeError');
  evalSync(isolate, context, 'new Uint8Array(value)[0] = 5');
  t.equal(new Uint8Array(shared)[0], 5, 'still shared with the host');
  t.ok(isolate.getHeapStatisticsSync().externally_allocated_size < 16 * MB);
});
