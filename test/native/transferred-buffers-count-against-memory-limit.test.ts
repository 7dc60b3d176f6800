// Pins: an ArrayBuffer transferred into a guest (copyInto({ transfer: true }), copy({ transfer: true })
// inside it) counts against the guest's memoryLimit like one the guest allocated: it shows in
// externally_allocated_size while the guest holds it and comes off once the guest's buffer is
// collected, and one larger than what the limit leaves is refused with the same RangeError as an
// allocation, leaving the guest usable. Before, transferred bytes were not counted at all (64 MB in a
// 16 MB isolate left externally_allocated_size at 0).
import t from 'tap';
import { ExternalCopy } from './engine';
import { evalSync, sandbox } from './helpers';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('counted while held, uncounted once collected', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  const before = isolate.getHeapStatisticsSync().externally_allocated_size;
  const bytes = new Uint8Array(8 * MB);
  bytes[8 * MB - 1] = 7;
  context.global.setSync('held', new ExternalCopy(bytes.buffer, { transfer: true }).copyInto({ transfer: true }));
  t.equal(evalSync(isolate, context, 'held.byteLength + new Uint8Array(held)[held.byteLength - 1]'), 8 * MB + 7);
  const holding = isolate.getHeapStatisticsSync().externally_allocated_size;
  t.ok(holding >= before + 8 * MB, `counted while held (${before} -> ${holding})`);

  t.equal(evalSync(isolate, context, 'typeof gc'), 'function', 'the guest can collect (tap runs with --expose-gc)');
  evalSync(isolate, context, 'held = null');
  let after = holding;
  // V8 may free a collected buffer's memory on a background thread: poll, a bounded number of times.
  for (let attempt = 0; attempt < 100 && after >= before + 8 * MB; attempt++) {
    evalSync(isolate, context, 'gc()');
    await sleep(10);
    after = isolate.getHeapStatisticsSync().externally_allocated_size;
  }
  t.ok(after < before + 8 * MB, `uncounted once collected (${holding} -> ${after})`);
});

t.test('a guest copying a transfer-ready ExternalCopy into itself counts it too', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  context.global.setSync('external', new ExternalCopy(new ArrayBuffer(8 * MB), { transfer: true }));
  t.equal(evalSync(isolate, context, 'globalThis.kept = external.copy({ transfer: true }); kept.byteLength'), 8 * MB);
  t.ok(isolate.getHeapStatisticsSync().externally_allocated_size >= 8 * MB);
});

t.test('a buffer larger than the limit leaves is refused like an allocation', async (t) => {
  const { isolate, context } = sandbox(t, { memoryLimit: 16 });
  t.throws(
    () =>
      context.global.setSync(
        'big',
        new ExternalCopy(new ArrayBuffer(64 * MB), { transfer: true }).copyInto({ transfer: true }),
      ),
    { name: 'RangeError', message: 'Array buffer allocation failed' },
  );
  t.equal(evalSync(isolate, context, 'typeof big'), 'undefined');
  const external = new ExternalCopy(new ArrayBuffer(64 * MB), { transfer: true });
  context.global.setSync('external', external);
  t.equal(
    evalSync(
      isolate,
      context,
      'try { external.copy({ transfer: true }) } catch (error) { error.name + ": " + error.message }',
    ),
    'RangeError: Array buffer allocation failed',
    'from inside the guest too',
  );
  t.ok(isolate.getHeapStatisticsSync().externally_allocated_size < 16 * MB, 'nothing counted');
  t.equal(evalSync(isolate, context, `new Uint8Array(${MB}).length`), MB, 'the guest lives on');
  t.equal((external.copy({ transfer: true }) as ArrayBuffer).byteLength, 64 * MB, 'a refused transfer keeps the bytes');
});
